from typing import Dict

import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS

from emovid_mm.models.backbones.bn_inception import (
    ECO_LITE_LAST_STAGE, STAGES, BNInception, _HalvingMaxPool,
    convert_reference_bninception)

# (channels, size) of each stage's output at 224x224 input: the TSN/ECO
# reference model (bn_inception.yaml).
SHAPES_224 = {
    'stem': (192, 28),
    'inception_3a': (256, 28),
    'inception_3b': (320, 28),
    'inception_3c': (576, 14),
    'inception_4a': (576, 14),
    'inception_4b': (576, 14),
    'inception_4c': (608, 14),
    'inception_4d': (608, 14),
    'inception_4e': (1056, 7),
    'inception_5a': (1024, 7),
    'inception_5b': (1024, 7),
}


def num_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def built(**kwargs) -> BNInception:
    """An initialised model in eval mode, its BN statistics randomised so
    that a wrongly mapped buffer shows in the outputs."""
    model = BNInception(**kwargs)
    model.init_weights()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.1, 0.1)
    return model.eval()


def copy_into(target: BNInception, source: BNInception) -> BNInception:
    """Load the part of ``source``'s weights that ``target`` has, strictly."""
    weights = source.state_dict()
    target.load_state_dict({k: weights[k] for k in target.state_dict()})
    return target


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """Run on one thread: as fast for these small inputs on an idle
    machine, and ten times faster while another process keeps a core busy
    (two OpenMP threads then spin on each other)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def full() -> BNInception:
    torch.manual_seed(0)
    return built()


def test_stage_shapes_at_224(full):
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        for name in STAGES:
            x = getattr(full, name)(x)
            channels, size = SHAPES_224[name]
            assert x.shape == (1, channels, size, size), name
    assert full.in_channels == 3 and full.out_channels == 1024


@pytest.mark.parametrize('size, out_size, tap_size', [
    ((64, 64), (2, 2), (8, 8)),
    ((112, 112), (4, 4), (14, 14)),
    ((96, 96), (3, 3), (12, 12)),
    ((64, 112), (2, 4), (8, 14)),
    ((32, 32), (1, 1), (4, 4)),
])
def test_small_inputs(full, size, out_size, tap_size):
    lite = BNInception(last_stage=ECO_LITE_LAST_STAGE).eval()
    x = torch.randn(1, 3, *size)
    with torch.no_grad():
        assert full(x).shape == (1, 1024, *out_size)
        assert lite(x).shape == (1, 96, *tap_size)


def test_strided_pool_is_caffe_pooling_on_even_sizes():
    caffe = nn.MaxPool2d(3, 2, ceil_mode=True)
    for size in ((28, 28), (14, 14), (8, 6), (2, 2)):
        x = torch.randn(1, 4, *size)
        torch.testing.assert_close(_HalvingMaxPool()(x), caffe(x))
    # Odd sizes: one more window, as many as a stride-2 pad-1 3x3 conv.
    x = torch.randn(1, 4, 7, 5)
    conv = nn.Conv2d(4, 4, 3, stride=2, padding=1)
    assert _HalvingMaxPool()(x).shape == conv(x).shape == (1, 4, 4, 3)
    torch.testing.assert_close(_HalvingMaxPool()(x)[..., -1, -1],
                               x[..., -1, -1])


def test_layers_as_in_the_reference(full):
    convs = [m for m in full.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 3 + 10 * 7 - 2 * 2  # stem, blocks, 3c and 4e less 2
    assert all(conv.bias is not None for conv in convs)
    for name in STAGES[1:]:
        pool = getattr(full, name).pool
        if name in ('inception_3c', 'inception_4e'):
            assert isinstance(pool, _HalvingMaxPool)
        elif name == 'inception_5b':
            assert isinstance(pool, nn.MaxPool2d) and pool.stride == 1
        else:
            assert isinstance(pool, nn.AvgPool2d) and pool.count_include_pad


@pytest.mark.parametrize('name', ['inception_3a', 'inception_3c'])
def test_branches_are_concatenated_in_reference_order(full, name):
    """1x1, 3x3, double 3x3, pool: the order pretrained weights expect."""
    block = getattr(full, name)
    x = torch.randn(1, block.conv_3x3_reduce.conv.in_channels, 16, 16)
    with torch.no_grad():
        branches = [] if block.conv_1x1 is None else [block.conv_1x1(x)]
        branches += [
            block.conv_3x3(block.conv_3x3_reduce(x)),
            block.conv_double_3x3_2(block.tap(x)),
            block.pool(x) if block.conv_pool_proj is None else
            block.conv_pool_proj(block.pool(x))
        ]
        torch.testing.assert_close(block(x), torch.cat(branches, dim=1))


def test_parameter_counts(full):
    trunk = BNInception(last_stage='inception_3c')
    tail = BNInception(first_stage='inception_4a')
    lite = BNInception(last_stage=ECO_LITE_LAST_STAGE)
    assert num_params(full) == 10_270_240
    assert num_params(trunk) == 990_944
    assert num_params(tail) == 9_279_296
    assert num_params(lite) == 681_568
    assert num_params(full) == num_params(trunk) + num_params(tail)
    # Published: 11.3 M with ImageNet's 1000-way classifier; TSN with
    # BN-Inception and a 400-way (Kinetics) one: 10.7 M (TSM paper).
    for classes, published in ((1000, 11.3e6), (400, 10.7e6)):
        total = num_params(full) + 1024 * classes + classes
        assert abs(total - published) < 0.05e6


def test_trunk_then_tail_is_the_full_network(full):
    trunk = copy_into(BNInception(last_stage='inception_3c'), full).eval()
    tail = copy_into(BNInception(first_stage='inception_4a'), full).eval()
    assert trunk.out_channels == tail.in_channels == 576
    x = torch.randn(2, 3, 112, 112)
    with torch.no_grad():
        torch.testing.assert_close(tail(trunk(x)), full(x))


def test_eco_tap_is_the_eco_lite_output(full):
    tapped = copy_into(
        BNInception(last_stage='inception_3c', eco_tap=True), full).eval()
    trunk = copy_into(BNInception(last_stage='inception_3c'), full).eval()
    lite = copy_into(BNInception(last_stage=ECO_LITE_LAST_STAGE), full).eval()
    assert dict(lite.inception_3c.named_children()).keys() == {
        'conv_double_3x3_reduce', 'conv_double_3x3_1'
    }
    assert lite.out_channels == lite.tap_channels == tapped.tap_channels == 96
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        tap, out = tapped(x)
        assert tap.shape == (1, 96, 28, 28)
        assert out.shape == (1, 576, 14, 14)
        torch.testing.assert_close(tap, lite(x))
        torch.testing.assert_close(out, trunk(x))


def test_gradients_reach_conv1_and_frozen_stages_get_none():
    model = BNInception(last_stage='inception_3b').train()
    model(torch.randn(2, 3, 64, 64)).square().mean().backward()
    assert model.stem.conv1_7x7_s2.conv.weight.grad.abs().sum() > 0

    frozen = BNInception(last_stage='inception_3b', frozen_stages=1).train()
    frozen(torch.randn(2, 3, 64, 64)).square().mean().backward()
    assert frozen.stem.conv1_7x7_s2.conv.weight.grad is None
    assert not frozen.stem.conv1_7x7_s2.bn.training
    assert frozen.inception_3a.conv_1x1.conv.weight.grad is not None
    assert frozen.inception_3a.conv_1x1.bn.training


def test_norm_eval_keeps_batch_norm_in_eval():
    model = BNInception(last_stage='inception_3a', norm_eval=True).train()
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert model.training and not any(bn.training for bn in bns)
    before = bns[0].running_mean.clone()
    model(torch.randn(2, 3, 64, 64))
    torch.testing.assert_close(bns[0].running_mean, before)
    plain = BNInception(last_stage='inception_3a').train()
    assert all(m.training for m in plain.modules())


def test_init_weights():
    model = BNInception(last_stage='inception_3a')
    model.init_weights()
    conv1 = model.stem.conv1_7x7_s2
    assert torch.all(conv1.conv.bias == 0)
    assert torch.all(conv1.bn.weight == 1) and torch.all(conv1.bn.bias == 0)
    # Kaiming (fan_out): std = sqrt(2 / (64 * 7 * 7)) = 0.0253.
    assert conv1.conv.weight.std().item() == pytest.approx(0.0253, rel=0.1)


def to_reference(key: str) -> str:
    """Our key -> an ECO checkpoint's: ``inception_3a.conv_1x1.bn.weight``
    -> ``module.base_model.inception_3a_1x1_bn.weight``."""
    path, kind, param = key.rsplit('.', 2)
    stage, layer = path.split('.')
    name = layer if stage == 'stem' else f'{stage}_{layer[len("conv_"):]}'
    return f'module.base_model.{name}{"_bn" if kind == "bn" else ""}.{param}'


def reference_state_dict(model: BNInception) -> Dict[str, torch.Tensor]:
    """``model``'s weights named as in an ECO checkpoint, with a classifier
    and, like Caffe-converted files, batch norm vectors shaped (1, C)."""
    ref = {}
    for key, value in model.state_dict().items():
        is_vector = '.bn.' in key and value.dim() == 1
        ref[to_reference(key)] = value[None] if is_vector else value
    ref['module.base_model.fc.weight'] = torch.zeros(400, 1024)
    ref['module.new_fc.bias'] = torch.zeros(2)
    return ref


def test_reference_key_conversion_round_trip(full):
    ref = reference_state_dict(full)
    for name in ('conv1_7x7_s2.weight', 'conv1_7x7_s2_bn.running_mean',
                 'conv2_3x3_reduce_bn.weight', 'inception_3a_1x1.weight',
                 'inception_3a_1x1_bn.weight', 'inception_3a_3x3_reduce.bias',
                 'inception_3a_3x3.weight', 'inception_3a_pool_proj_bn.bias',
                 'inception_3a_double_3x3_reduce.weight',
                 'inception_3a_double_3x3_1.weight',
                 'inception_3c_double_3x3_2_bn.running_var',
                 'inception_5b_pool_proj.weight'):
        assert f'module.base_model.{name}' in ref

    converted = convert_reference_bninception(ref)
    assert converted['inception_3a.conv_1x1.bn.running_mean'].shape == (64, )
    model = BNInception()
    model.load_state_dict(converted, strict=True)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(model.eval()(x), full(x))


@pytest.mark.parametrize('key', [
    'module.base_model.res3a_2.weight',
    'module.base_model.inception_3c_1x1.weight',
    'base_model.inception_3a_1x1.running_mean',
])
def test_unknown_reference_key_is_named(key):
    ref = {key: torch.zeros(1), 'conv1_7x7_s2.bias': torch.zeros(64)}
    with pytest.raises(ValueError, match=key):
        convert_reference_bninception(ref)


def test_pretrained_loads_the_stages_built(full, tmp_path):
    ref = reference_state_dict(full)
    ref['module.base_model.res3a_2.weight'] = torch.zeros(128, 96, 3, 3, 3)
    path = tmp_path / 'eco_kinetics.pth.tar'
    torch.save(dict(epoch=40, arch='ECO', state_dict=ref), path)

    lite = BNInception(last_stage=ECO_LITE_LAST_STAGE, pretrained=str(path))
    trunk = BNInception(last_stage='inception_3c', pretrained=str(path))
    tail = BNInception(first_stage='inception_4a', pretrained=str(path))
    for model in (lite, trunk, tail):
        model.init_weights()
        model.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(tail(trunk(x)), full(x))
        torch.testing.assert_close(lite(x), full.inception_3c.tap(
            full.inception_3b(full.inception_3a(full.stem(x)))))

    with pytest.raises(ValueError, match='not both'):
        BNInception(pretrained=str(path), init_cfg=dict(type='Pretrained'))


@pytest.mark.parametrize('kwargs, named', [
    (dict(first_stage='inception_6a'), 'inception_6a'),
    (dict(last_stage='conv5'), 'conv5'),
    (dict(first_stage='inception_4a', last_stage='inception_3c'),
     'inception_4a'),
    (dict(first_stage='inception_4a', last_stage=ECO_LITE_LAST_STAGE),
     ECO_LITE_LAST_STAGE),
    (dict(eco_tap=True), 'inception_5b'),
    (dict(last_stage='inception_3a', frozen_stages=3), 'frozen_stages=3'),
])
def test_invalid_arguments_are_named(kwargs, named):
    with pytest.raises(ValueError, match=named):
        BNInception(**kwargs)


def test_wrong_input_channels_is_an_error():
    with pytest.raises(ValueError, match='576'):
        BNInception(first_stage='inception_4a')(torch.randn(1, 3, 14, 14))


def test_tsn_backbone_in_recognizer2d():
    from mmaction.utils import register_all_modules
    register_all_modules()
    model = MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(type='BNInception'),
            cls_head=dict(type='TSNHead', num_classes=2, in_channels=1024),
            data_preprocessor=dict(
                type='ActionDataPreprocessor', format_shape='NCHW')))
    model.init_weights()
    model.eval()
    inputs = torch.randn(1, 2, 3, 64, 64)  # (N, segments, C, H, W)
    with torch.no_grad():
        assert model(inputs, mode='tensor').shape == (2, 1024, 2, 2)
        assert model(inputs, mode='tensor', stage='head').shape == (1, 2)
