import pytest
import torch
from mmaction.registry import MODELS

from emovid_mm.models.backbones import AudioCNN


@pytest.mark.parametrize('mels,frames,out',
                         [(64, 96, (4, 6)), (64, 100, (4, 7)),
                          (32, 96, (2, 6)), (16, 8, (1, 1)), (64, 1, (4, 1))])
def test_output_shape(mels, frames, out):
    net = AudioCNN(n_mels=mels).eval()
    with torch.no_grad():
        maps = net(torch.randn(3, 1, mels, frames))
    assert net.out_channels == 256
    assert maps.shape == (3, 256, *out)


@pytest.mark.parametrize('channels,out', [((8, ), (8, 12)),
                                          ((8, 16, 24), (2, 3))])
def test_channels_set_blocks_and_out_channels(channels, out):
    net = MODELS.build(dict(type='AudioCNN', n_mels=16, channels=channels))
    assert net.out_channels == channels[-1]
    assert net.block_names == [f'block{i + 1}' for i in range(len(channels))]
    assert net(torch.randn(2, 1, 16, 24)).shape == (2, channels[-1], *out)


def test_parameters():
    net = AudioCNN()

    def conv_bn(c_in, c_out):  # 3x3, no bias, then BN
        return 9 * c_in * c_out + 2 * c_out

    widths = [1, 32, 64, 128, 256]
    blocks = sum(
        conv_bn(a, b) + conv_bn(b, b) for a, b in zip(widths, widths[1:]))
    assert sum(p.numel() for p in net.parameters()) == 2 * 64 + blocks
    assert blocks + 2 * 64 == 1_172_768


def test_mel_norm_removes_the_level_of_each_band():
    """A constant dB offset per band does not change the output in
    training mode: each band is normalised by its own statistics."""
    torch.manual_seed(0)
    net = AudioCNN(n_mels=16, channels=(8, )).train()
    mel = torch.randn(4, 1, 16, 12)
    offset = torch.linspace(-80, 0, 16).view(1, 1, 16, 1)
    torch.testing.assert_close(
        net(mel + offset), net(mel), atol=1e-4, rtol=1e-4)


def test_gradient_reaches_the_first_convolution():
    net = AudioCNN(n_mels=16, channels=(8, 16)).train()
    net.init_weights()
    net(torch.randn(2, 1, 16, 24)).mean().backward()
    assert net.block1[0].conv.weight.grad.abs().sum() > 0
    assert net.mel_norm.weight.grad.abs().sum() > 0


@pytest.mark.parametrize('shape', [(2, 1, 32, 24), (2, 2, 64, 24),
                                   (1, 64, 24)])
def test_wrong_input_raises_value_error(shape):
    with pytest.raises(ValueError, match=r'\(B, 1, 64, W\).*n_mels'):
        AudioCNN()(torch.randn(shape))


def test_no_blocks_raises_value_error():
    with pytest.raises(ValueError, match='at least one block'):
        AudioCNN(channels=())
