"""The paper's C3D and R(2+1)D: the C3D wrapper, both models under
Recognizer3D with the emotion regression head, and their configs."""
from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmaction.models.backbones import C3D
from mmaction.registry import DATASETS, MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample
from mmcv.cnn import ConvModule
from mmengine.config import Config

import emovid_mm  # noqa: F401
from conftest import REPO
from emovid_mm.models.backbones.c3d_flex import C3DFlex

BN = dict(type='BN3d')
MODEL_BASES = {
    'c3d': REPO / 'configs/_base_/models/c3d.py',
    'r2plus1d': REPO / 'configs/_base_/models/r2plus1d_r18.py',
}
JOINT = ('valence', 'arousal')
VARIANTS = {'': JOINT, 'valence-': ('valence', ), 'arousal-': ('arousal', )}
BACKBONES = {'c3d/c3d_bn': 'C3DFlex', 'r2plus1d/r2plus1d_r18': 'ResNet2Plus1d'}
SCHEME = '_1xb8-8x1x1-5fps-20e_liris-accede-'  # between model and variant
# Config path under configs/: (backbone, targets).
CONFIGS = {
    'c3d_liris.py': ('C3DFlex', JOINT),
    'r2plus1d_liris.py': ('ResNet2Plus1d', JOINT),
    **{
        f'{model}{SCHEME}{variant}rgb.py': (backbone, targets)
        for model, backbone in BACKBONES.items()
        for variant, targets in VARIANTS.items()
    }
}


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """Run on one thread, which keeps these tests fast while another
    process keeps the second core busy."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def num_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def shapes(model: nn.Module) -> Dict[str, torch.Size]:
    return {k: v.shape for k, v in model.state_dict().items()}


def recognizer(name: str) -> nn.Module:
    model = MODELS.build(Config.fromfile(MODEL_BASES[name]).model)
    model.init_weights()
    return model


def batch(num_samples: int, size: int, frames: int = 8) -> Dict[str, List]:
    """Packed-data-like samples: ``(1, 3, frames, size, size)`` uint8 clips
    with valence and arousal in 1-4."""
    inputs, samples = [], []
    for _ in range(num_samples):
        inputs.append(
            torch.randint(
                0, 255, (1, 3, frames, size, size), dtype=torch.uint8))
        sample = ActionDataSample()
        sample.set_field(torch.rand(2) * 3 + 1, 'gt_values')
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def test_c3d_flex_at_the_papers_clip_size():
    torch.manual_seed(0)
    net = C3DFlex(norm_cfg=BN).eval()
    shapes = {}
    for name in ('pool4', 'pool5'):
        getattr(net, name).register_forward_hook(
            lambda m, i, o, name=name: shapes.setdefault(name, o))
    with torch.no_grad():
        out = net(torch.randn(1, 3, 8, 224, 224))
    assert out.shape == (1, 4096)
    assert shapes['pool4'].shape == (1, 512, 1, 14, 14)
    assert shapes['pool5'].shape == (1, 512, 1, 4, 4)
    # MMAction2's pool5 runs out of frames on the same features.
    with pytest.raises(RuntimeError, match='512x0x8x8'):
        C3D().pool5(shapes['pool4'])


@pytest.mark.parametrize('norm_cfg', [None, BN])
def test_c3d_flex_has_c3ds_parameters(norm_cfg):
    ours, theirs = C3DFlex(norm_cfg=norm_cfg), C3D(norm_cfg=norm_cfg)
    assert num_params(ours) == num_params(theirs)
    assert shapes(ours) == shapes(theirs)
    assert ours.fc6.in_features == 512 * 1 * 4 * 4


def test_c3d_flex_is_c3d_at_16x112x112():
    torch.manual_seed(0)
    theirs = C3D(norm_cfg=BN)
    theirs.init_weights()
    for m in theirs.modules():  # BN statistics that would show a mix-up
        if isinstance(m, nn.BatchNorm3d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    ours = C3DFlex(norm_cfg=BN)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(1, 3, 16, 112, 112)
    with torch.no_grad():
        expected = theirs.eval()(x)
        out = ours.eval()(x)
    assert out.shape == expected.shape == (1, 4096)
    assert torch.equal(out, expected)


def test_c3d_flex_has_bn_after_every_conv():
    net = C3DFlex(norm_cfg=BN)
    blocks = [m for m in net.modules() if isinstance(m, ConvModule)]
    assert len(blocks) == 8
    assert sum(isinstance(m, nn.Conv3d) for m in net.modules()) == 8
    for block in blocks:
        assert block.order == ('conv', 'norm', 'act')
        assert isinstance(block.norm, nn.BatchNorm3d)
        assert block.norm.num_features == block.conv.out_channels
        assert block.conv.bias is None  # the BN's shift replaces it


@pytest.mark.parametrize('name', ['c3d', 'r2plus1d'])
def test_recognizer_forward_backward_reaches_first_conv(name):
    torch.manual_seed(0)
    model = recognizer(name).train()
    data = model.data_preprocessor(batch(2, 64), training=True)
    assert data['inputs'].shape == (2, 1, 3, 8, 64, 64)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_mse', 'mse_valence', 'mse_arousal'}
    assert torch.isfinite(losses['loss_mse'])
    losses['loss_mse'].backward()
    backbone = model.backbone
    first = (
        backbone.conv1a.conv if name == 'c3d' else backbone.conv1.conv.conv_s)
    assert first.weight.shape[1] == 3  # the RGB input conv
    assert first.weight.grad is not None
    assert first.weight.grad.abs().sum() > 0
    assert model.cls_head.fcs[-1].weight.grad.abs().sum() > 0


@pytest.mark.parametrize('name', ['c3d', 'r2plus1d'])
def test_recognizer_predicts_values(name):
    model = recognizer(name).eval()
    data = model.data_preprocessor(batch(2, 64), training=False)
    with torch.no_grad():
        preds = model(**data, mode='predict')
    assert [p.pred_values.shape for p in preds] == [(2, ), (2, )]


def test_r2plus1d_features_at_the_papers_clip_size():
    model = recognizer('r2plus1d').eval()
    with torch.no_grad():
        feats = model.backbone(torch.randn(1, 3, 8, 224, 224))
    assert feats.shape == (1, 512, 1, 7, 7)
    assert 33_000_000 < num_params(model.backbone) < 33_500_000


BENCHMARK = {
    'c3d/c3d_bn_1xb8-8x1x1-5fps-112px-adam-10e_liris-synthetic-rgb.py':
    'C3DFlex',
    'r2plus1d/r2plus1d_r18_1xb8-8x1x1-5fps-112px-adam-10e_liris-synthetic-'
    'rgb.py': 'ResNet2Plus1d',
}


def test_every_config_is_checked():
    """Every C3D and R(2+1)D config is checked here, but those that start
    from published weights (tests/configs/test_pretrained_configs.py) and
    the audio-visual ones, which tests/configs/test_config_files.py checks
    against their visual-only configs."""
    found = {
        str(p.relative_to(REPO / 'configs'))
        for folder in ('c3d', 'r2plus1d')
        for p in (REPO / 'configs' / folder).glob('*.py')
        if '-pretrained' not in p.name and not p.name.endswith('-audio.py')
    }
    assert found | {'c3d_liris.py', 'r2plus1d_liris.py'} == set(CONFIGS) | set(
        BENCHMARK)


@pytest.mark.parametrize('path', sorted(BENCHMARK))
def test_benchmark_configs_take_8_consecutive_frames_of_112px(path):
    """The model-zoo benchmark on generated data: the paper's sampling at
    112x112, Adam 1e-4 for 10 epochs."""
    cfg = Config.fromfile(REPO / 'configs' / path)
    assert cfg.model.backbone.type == BENCHMARK[path]
    for loader in ('train', 'val', 'test'):
        pipeline = cfg[f'{loader}_dataloader'].dataset.pipeline
        steps = {t['type']: t for t in pipeline}
        sampler = steps['SegmentSampleFrames']
        assert (sampler.num_segments, sampler.clip_len,
                sampler.target_fps) == (1, 8, 5)
        assert steps['FormatShape'].input_format == 'NCTHW'
        assert steps['Resize'].scale == (112, 112)
    assert cfg.optim_wrapper.optimizer.type == 'Adam'
    assert cfg.optim_wrapper.optimizer.lr == 1e-4
    assert cfg.train_cfg.max_epochs == 10


@pytest.mark.parametrize('path', sorted(CONFIGS))
def test_configs_build(path):
    backbone, targets = CONFIGS[path]
    cfg = Config.fromfile(REPO / 'configs' / path)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'Recognizer3D'
    assert type(model.backbone).__name__ == backbone
    assert model.cls_head.targets == targets
    for loader in ('train', 'val', 'test'):
        dataset = cfg[f'{loader}_dataloader'].dataset
        assert tuple(dataset.targets) == targets
        steps = {t['type']: t for t in dataset.pipeline}
        sampler = steps['SegmentSampleFrames']
        assert (sampler.num_segments, sampler.clip_len,
                sampler.target_fps) == (1, 8, 5)
        assert sampler.get('test_mode', False) == (loader != 'train')
        assert steps['FormatShape'].input_format == 'NCTHW'
        assert steps['Resize'].scale == (224, 224)
    assert cfg.optim_wrapper.optimizer.type == 'SGD'
    assert cfg.optim_wrapper.optimizer.lr == 1e-4
    assert [(s.type, s.step_size, s.gamma)
            for s in cfg.param_scheduler] == [('StepLR', 4, 0.1)]
    assert cfg.train_cfg.max_epochs == 20


def test_consecutive_sampling_takes_8_frames_in_a_row_at_5fps():
    base = REPO / 'configs/_base_/datasets/liris_accede_consecutive.py'
    pipeline = Config.fromfile(base).test_pipeline
    sampler = TRANSFORMS.build(
        next(t for t in pipeline if t['type'] == 'SegmentSampleFrames'))
    results = sampler(
        dict(total_frames=250, avg_fps=25.0, start_index=0, filename='x'))
    # 50 frames at 5 fps, the middle 8: every 5th frame from 105.
    np.testing.assert_array_equal(results['frame_inds'],
                                  np.arange(105, 145, 5))


def test_pipeline_feeds_the_model(tiny_liris: Path):
    cfg = Config.fromfile(REPO / 'configs/r2plus1d_liris.py')
    dataset_cfg = cfg.test_dataloader.dataset
    dataset_cfg.data_root = str(tiny_liris)
    item = DATASETS.build(dataset_cfg)[0]
    assert item['inputs'].shape == (1, 3, 8, 224, 224)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.eval()
    data = model.data_preprocessor(
        dict(inputs=[item['inputs']], data_samples=[item['data_samples']]))
    with torch.no_grad():
        pred = model(**data, mode='predict')[0]
    assert pred.pred_values.shape == (2, )
    assert torch.isfinite(pred.pred_values).all()
