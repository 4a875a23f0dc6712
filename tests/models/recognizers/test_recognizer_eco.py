import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from conftest import REPO
from emovid_mm.models.backbones import ECOResNet3d, convert_reference_eco3d


def eco(variant='lite', num_segments=8, **head):
    base = 'eco_lite' if variant == 'lite' else 'eco_full'
    cfg = Config.fromfile(REPO / f'configs/_base_/models/{base}.py').model
    cfg.num_segments = num_segments
    cfg.cls_head.update(head)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def batch(num_samples, frames, size=64, targets=2):
    inputs = [
        torch.randint(0, 255, (frames, 3, size, size), dtype=torch.uint8)
        for _ in range(num_samples)
    ]
    samples = []
    for i in range(num_samples):
        sample = ActionDataSample()
        sample.set_field(torch.rand(targets) * 3 + 1, 'gt_values')
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('frames', [4, 8, 12, 16, 32])
def test_eco_resnet3d_shapes(frames):
    net = ECOResNet3d()
    out = net(torch.randn(1, 96, frames, 8, 8))
    assert out.shape == (1, 512, -(-frames // 4), 2, 2)


def test_eco_resnet3d_parameters():
    net = ECOResNet3d()

    def conv(c_in, c_out):  # 3x3x3 kernel + bias
        return c_in * c_out * 27 + c_out

    def bn(c):
        return 2 * c

    res3 = conv(96, 128) + bn(128) + 2 * conv(128, 128) + 2 * bn(128)
    res4 = (conv(128, 256) * 2 + conv(256, 256) + 2 * bn(256) +
            2 * conv(256, 256) + 2 * bn(256))
    res5 = (conv(256, 512) * 2 + conv(512, 512) + 2 * bn(512) +
            2 * conv(512, 512) + 2 * bn(512))
    assert sum(p.numel() for p in net.parameters()) == res3 + res4 + res5


def test_eco_resnet3d_rejects_wrong_input():
    with pytest.raises(ValueError, match=r'\(N, 96, T, H, W\)'):
        ECOResNet3d()(torch.randn(1, 64, 4, 8, 8))


def test_reference_eco3d_keys_load():
    net = ECOResNet3d()
    reference = {}
    for key, value in net.state_dict().items():
        stage, block, part, param = key.split('.', 3)
        letter = 'ab'[int(block)]
        suffix = {'conv1': '1', 'bn1': '1_bn', 'conv2': '2', 'down': 'down',
                  'bn': 'bn'}[part]
        reference[f'module.base_model.res{stage[-1]}{letter}_{suffix}.'
                  f'{param}'] = value.clone() + 1
    reference['module.base_model.inception_3a_1x1.weight'] = torch.zeros(1)
    reference['module.new_fc.weight'] = torch.zeros(1)
    converted = convert_reference_eco3d(reference)
    assert sorted(converted) == sorted(net.state_dict())
    net.load_state_dict(converted, strict=True)
    assert torch.equal(net.res4[0].down.weight,
                       reference['module.base_model.res4a_down.weight'])


@pytest.mark.parametrize('variant,dim', [('lite', 512), ('full', 1536)])
def test_feature_size(variant, dim):
    model = eco(variant, num_segments=4)
    data = model.data_preprocessor(batch(2, 4), training=False)
    feats, _ = model.extract_feat(data['inputs'])
    assert feats.shape == (2, dim)


@pytest.mark.parametrize('variant', ['lite', 'full'])
@pytest.mark.parametrize('frames', [4, 8, 12, 16])
def test_forward_backward_reaches_first_layer(variant, frames):
    model = eco(variant, num_segments=frames)
    model.train()
    data = model.data_preprocessor(batch(2, frames, size=32), training=True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_mse'])
    losses['loss_mse'].backward()
    first = next(model.backbone.parameters())
    assert first.dim() == 4 and first.shape[1] == 3  # the RGB input conv
    assert first.grad is not None and first.grad.abs().sum() > 0
    assert model.backbone_3d.res3[0].conv2.weight.grad.abs().sum() > 0
    if variant == 'full':
        assert next(model.backbone_2d.parameters()).grad.abs().sum() > 0


def test_eval_mode_predicts_deterministically_and_averages_views():
    model = eco('lite', num_segments=4)
    model.eval()
    data = model.data_preprocessor(batch(2, 8), training=False)  # 2 views
    with torch.no_grad():
        preds = model(**data, mode='predict')
        again = model(**data, mode='predict')
        views = model(data['inputs'][:, :4], mode='tensor')
    assert preds[0].pred_values.shape == (2, )
    assert torch.equal(preds[0].pred_values, again[0].pred_values)
    with torch.no_grad():
        head = model.cls_head(views)
        second = model.cls_head(model(data['inputs'][:, 4:], mode='tensor'))
    torch.testing.assert_close(
        torch.stack([p.pred_values for p in preds]), (head + second) / 2)


def test_full_concatenates_3d_and_2d_features():
    model = eco('full', num_segments=4)
    model.eval()
    data = model.data_preprocessor(batch(1, 4), training=False)
    with torch.no_grad():
        feats = model(data['inputs'], mode='tensor')
        frames = data['inputs'].reshape((-1, ) + data['inputs'].shape[2:])
        tap, last = model.backbone(frames)
        volume = tap.unsqueeze(0).transpose(1, 2)
        f3d = model.backbone_3d(volume).flatten(2).mean(-1)
        f2d = model.backbone_2d(last).flatten(2).mean(-1).mean(0,
                                                              keepdim=True)
    torch.testing.assert_close(feats, torch.cat([f3d, f2d], 1))


def test_frames_must_match_num_segments():
    model = eco('lite', num_segments=8)
    data = model.data_preprocessor(batch(1, 6), training=False)
    with pytest.raises(ValueError, match='6 frames per sample'):
        model.extract_feat(data['inputs'])


def test_full_needs_a_tapped_trunk():
    cfg = Config.fromfile(REPO / 'configs/_base_/models/eco_full.py').model
    cfg.backbone = dict(type='BNInception', last_stage='inception_3c')
    model = MODELS.build(cfg)
    data = model.data_preprocessor(batch(1, 8, size=32), training=False)
    with pytest.raises(ValueError, match='eco_tap=True'):
        model.extract_feat(data['inputs'])
