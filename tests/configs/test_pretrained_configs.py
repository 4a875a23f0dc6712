"""The configs that start from published weights (docs/pretrained.md).

Nothing is downloaded. Each test writes a stand-in for the published file,
with its key names and shapes and random values, and serves it at the
config's URL (``torch.hub.download_url_to_file``, with which the safe loader
downloads, copies it; ``TORCH_HOME`` is a temporary folder). The model is
then built as ``Runner.train`` builds it, and every backbone tensor must be
the file's, the emotion regression head must keep its own initialisation,
and a file that lacks a backbone tensor or holds one of another shape must
be reported.

Where the names and shapes come from:

* torchvision's ResNet-50 (``resnet50-11ad3fa6.pth``): torchvision's
  architecture, written out in :func:`torchvision_resnet50` (torchvision is
  not installed); its parameter count is torchvision's published one.
* MMAction2's TSN R50 and R(2+1)D-34 Kinetics-400 checkpoints: MMAction2's
  own recognizers, built from the ``model`` of the published configs
  (copied below), whose ``state_dict`` MMAction2 saves under
  ``state_dict``; parameter counts as in MMAction2's metafiles.
* MMAction2's Sports-1M C3D: MMAction2's ``C3D(norm_cfg=None)``, whose
  ``init_weights`` loads the file into the backbone itself, so the file's
  keys are the backbone's (``conv1a.conv.weight``, ..., ``fc7.bias``).
"""
import re
import shutil
import uuid
from pathlib import Path
from typing import Dict, Tuple

import pytest
import torch
from conftest import REPO, run
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import load_checkpoint

TSN_IMAGENET = (REPO / 'configs/tsn/'
                'tsn_imagenet-pretrained-r50_1xb8-1x1x8-5fps-30e_'
                'liris-accede-rgb.py')
TSN_KINETICS = (REPO / 'configs/tsn/'
                'tsn_kinetics400-pretrained-r50_1xb8-1x1x8-5fps-30e_'
                'liris-accede-rgb.py')
R2PLUS1D_KINETICS = (REPO / 'configs/r2plus1d/'
                     'r2plus1d_kinetics400-pretrained-r34_1xb8-8x1x1-5fps-'
                     '20e_liris-accede-rgb.py')
C3D_SPORTS1M = (REPO / 'configs/c3d/'
                'c3d_sports1m-pretrained_1xb8-16x1x1-112px-20e_'
                'liris-accede-rgb.py')

#: ``model`` of MMAction2's configs/_base_/models/tsn_r50.py (the base of
#: tsn_imagenet-pretrained-r50_8xb32-1x1x8-100e_kinetics400-rgb.py), with
#: ``pretrained=None``: the ImageNet weights it started from are not needed.
MMACTION2_TSN_R50_K400 = dict(type='Recognizer2D',
                              backbone=dict(type='ResNet',
                                            depth=50,
                                            norm_eval=False),
                              cls_head=dict(type='TSNHead',
                                            num_classes=400,
                                            in_channels=2048,
                                            spatial_type='avg',
                                            consensus=dict(type='AvgConsensus',
                                                           dim=1),
                                            dropout_ratio=0.4,
                                            init_std=0.01,
                                            average_clips='prob'))
#: ``model`` of MMAction2's configs/_base_/models/r2plus1d_r34.py (the base
#: of r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py).
MMACTION2_R2PLUS1D_R34_K400 = dict(type='Recognizer3D',
                                   backbone=dict(
                                       type='ResNet2Plus1d',
                                       depth=34,
                                       pretrained=None,
                                       pretrained2d=False,
                                       norm_eval=False,
                                       conv_cfg=dict(type='Conv2plus1d'),
                                       norm_cfg=dict(type='SyncBN',
                                                     requires_grad=True,
                                                     eps=1e-3),
                                       conv1_kernel=(3, 7, 7),
                                       conv1_stride_t=1,
                                       pool1_stride_t=1,
                                       inflate=(1, 1, 1, 1),
                                       spatial_strides=(1, 2, 2, 2),
                                       temporal_strides=(1, 2, 2, 2),
                                       zero_init_residual=False),
                                   cls_head=dict(type='I3DHead',
                                                 num_classes=400,
                                                 in_channels=512,
                                                 spatial_type='avg',
                                                 dropout_ratio=0.5,
                                                 init_std=0.01,
                                                 average_clips='prob'))
#: The backbone of MMAction2's
#: configs/_base_/models/c3d_sports1m_pretrained.py.
MMACTION2_C3D = dict(type='C3D', norm_cfg=None)
#: What the Kinetics checkpoints hold besides the recognizer's backbone.
KINETICS_CLASSIFIER = {'cls_head.fc_cls.weight', 'cls_head.fc_cls.bias'}

StateDict = Dict[str, torch.Tensor]


def torchvision_resnet50() -> Dict[str, Tuple[int, ...]]:
    """Names and shapes of torchvision's ResNet-50 state dict
    (torchvision/models/resnet.py: Bottleneck blocks of 3, 4, 6, 3, widths
    64-512 times 4, the first block of each layer with a
    ``downsample`` = 1x1 conv ``.0`` and BN ``.1``; fc to 1000 classes).
    ``num_batches_tracked`` is shape ``()``."""
    shapes = {}

    def bn(name: str, channels: int) -> None:
        for key in ('weight', 'bias', 'running_mean', 'running_var'):
            shapes[f'{name}.{key}'] = (channels, )
        shapes[f'{name}.num_batches_tracked'] = ()

    shapes['conv1.weight'] = (64, 3, 7, 7)
    bn('bn1', 64)
    in_channels = 64
    for layer, (blocks,
                width) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512)), 1):
        for block in range(blocks):
            prefix = f'layer{layer}.{block}'
            shapes[f'{prefix}.conv1.weight'] = (width, in_channels, 1, 1)
            shapes[f'{prefix}.conv2.weight'] = (width, width, 3, 3)
            shapes[f'{prefix}.conv3.weight'] = (width * 4, width, 1, 1)
            for i, channels in enumerate((width, width, width * 4), 1):
                bn(f'{prefix}.bn{i}', channels)
            if block == 0:
                shapes[f'{prefix}.downsample.0.weight'] = (width * 4,
                                                           in_channels, 1, 1)
                bn(f'{prefix}.downsample.1', width * 4)
            in_channels = width * 4
    shapes['fc.weight'] = (1000, 2048)
    shapes['fc.bias'] = (1000, )
    return shapes


def torchvision_name(name: str) -> str:
    """The torchvision key of a key of MMAction2's ResNet (without
    ``backbone.``), the renaming MMAction2 does when it loads torchvision's
    weights: ``conv1.conv`` -> ``conv1``, ``conv1.bn`` -> ``bn1``,
    ``downsample.conv`` / ``.bn`` -> ``downsample.0`` / ``.1``."""
    name = re.sub(r'downsample\.conv\.', 'downsample.0.', name)
    name = re.sub(r'downsample\.bn\.', 'downsample.1.', name)
    name = re.sub(r'conv(\d)\.conv\.', r'conv\1.', name)
    return re.sub(r'conv(\d)\.bn\.', r'bn\1.', name)


def random_like(shapes: Dict[str, Tuple[int, ...]], seed: int) -> StateDict:
    """Random tensors of these shapes: floats, and an int64 count for each
    ``num_batches_tracked``."""
    gen = torch.Generator().manual_seed(seed)
    return {
        name: (torch.randint(1, 10**6, shape, generator=gen)
               if name.endswith('num_batches_tracked') else torch.randn(
                   shape, generator=gen))
        for name, shape in shapes.items()
    }


def shapes_of(model_cfg: dict) -> Dict[str, Tuple[int, ...]]:
    """State-dict names and shapes of an MMAction2 model."""
    model = MODELS.build(model_cfg)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


@pytest.fixture(scope='module')
def published(tmp_path_factory) -> Dict[str, Tuple[Path, StateDict]]:
    """Stand-ins of the published files, by config: ``(file, state
    dict)``."""
    folder = tmp_path_factory.mktemp('published')
    made = {}
    for path, (shapes, wrap) in {
            TSN_IMAGENET: (torchvision_resnet50(), False),
            TSN_KINETICS: (shapes_of(MMACTION2_TSN_R50_K400), True),
            R2PLUS1D_KINETICS: (shapes_of(MMACTION2_R2PLUS1D_R34_K400), True),
            C3D_SPORTS1M: (shapes_of(MMACTION2_C3D), False),
    }.items():
        state = random_like(shapes, seed=len(made))
        file = folder / f'{path.stem}.pth'
        torch.save(dict(state_dict=state) if wrap else state, file)
        made[path] = file, state
    return made


def test_the_stand_ins_have_the_published_sizes(published):
    """Parameter counts (without BN statistics) of torchvision's
    ResNet50_Weights and of MMAction2's metafiles (24.33M, 63.8M; 78.4M for
    C3D with its 101-class UCF101 head)."""

    def params(path: Path) -> int:
        return sum(v.numel() for k, v in published[path][1].items()
                   if not re.search(r'running_|num_batches', k))

    assert params(TSN_IMAGENET) == 25_557_032
    assert round(params(TSN_KINETICS) / 1e6, 2) == 24.33
    assert round(params(R2PLUS1D_KINETICS) / 1e6, 1) == 63.8
    assert round((params(C3D_SPORTS1M) + 4096 * 101 + 101) / 1e6, 1) == 78.4


@pytest.fixture
def serve(fake_download):
    """``serve(url, file)``: downloading ``url`` copies ``file``; returns
    the list of downloaded URLs."""
    served, calls = fake_download

    def serve_file(url: str, file: Path) -> list:
        served[url] = file
        return calls

    return serve_file


def url_of(cfg: Config) -> str:
    return cfg.get('load_from') or cfg.model.backbone.pretrained


def build_as_runner(cfg: Config, log_file: Path):
    """The model as ``Runner.train`` makes it: built, initialised (the
    backbone loads its ``pretrained`` file), then ``load_from`` loaded as
    ``Runner.load_checkpoint`` does (not strictly). Returns the model and
    its head's state before ``load_from``; messages go to ``log_file``."""
    logger = MMLogger.get_instance(f'pretrained-{uuid.uuid4().hex}',
                                   log_file=str(log_file))
    model = MODELS.build(cfg.model)
    model.init_weights()
    head = {k: v.clone() for k, v in model.cls_head.state_dict().items()}
    if cfg.get('load_from'):
        load_checkpoint(model,
                        cfg.load_from,
                        map_location='cpu',
                        strict=False,
                        logger=logger,
                        revise_keys=[(r'^module\.', '')])
    return model, head


def checkpoint_name(path: Path, key: str) -> str:
    """The name in the published file of the model's ``backbone.KEY``."""
    if path == TSN_IMAGENET:
        return torchvision_name(key)
    if path == C3D_SPORTS1M:
        return key
    return f'backbone.{key}'


PRETRAINED = [TSN_IMAGENET, TSN_KINETICS, R2PLUS1D_KINETICS, C3D_SPORTS1M]


def test_every_pretrained_config_is_checked():
    assert sorted(REPO.glob('configs/**/*-pretrained*.py')) == sorted(
        PRETRAINED)


@pytest.mark.parametrize(
    'path', PRETRAINED,
    ids=lambda p: p.parent.name + '/' + p.stem.split('_')[1])
def test_every_backbone_tensor_is_loaded_and_the_head_is_not(
        path, published, serve, tmp_path):
    cfg = Config.fromfile(path)
    file, state = published[path]
    calls = serve(url_of(cfg), file)
    model, head = build_as_runner(cfg, tmp_path / 'log.txt')
    assert calls == [url_of(cfg)]
    backbone = model.backbone.state_dict()
    names = {key: checkpoint_name(path, key) for key in backbone}
    assert [n for n in names.values() if n not in state] == []
    for key, value in backbone.items():
        assert torch.equal(value, state[names[key]].to(value.dtype)), key
    used = set(names.values())
    # Everything else in the file is the classifier of its own classes.
    left = set(state) - used
    assert left == {
        TSN_IMAGENET: {'fc.weight', 'fc.bias'},
        TSN_KINETICS: KINETICS_CLASSIFIER,
        R2PLUS1D_KINETICS: KINETICS_CLASSIFIER,
        C3D_SPORTS1M: set()
    }[path]
    # The head keeps its initialisation (normal weights, zero bias, the
    # output offset) and shares no name with the file.
    for key, value in model.cls_head.state_dict().items():
        assert torch.equal(value, head[key]), key
        assert f'cls_head.{key}' not in state
    assert not model.cls_head.fcs[-1].bias.any()
    assert model.cls_head.fcs[-1].weight.std() < 0.02


def break_checkpoint(path: Path, published, tmp_path: Path, missing: str,
                     reshaped: str) -> Path:
    """The stand-in without ``missing`` and with ``reshaped`` of another
    shape (either may be empty)."""
    file, state = published[path]
    state = dict(state)
    if missing:
        del state[missing]
    if reshaped:
        shape = list(state[reshaped].shape)
        shape[1] *= 4
        state[reshaped] = torch.randn(shape)
    wrapped = path in (TSN_KINETICS, R2PLUS1D_KINETICS)
    out = tmp_path / file.name
    torch.save(dict(state_dict=state) if wrapped else state, out)
    return out


@pytest.mark.parametrize('path, missing, reshaped', [
    (TSN_KINETICS, 'backbone.layer3.2.conv2.conv.weight',
     'backbone.layer4.0.downsample.conv.weight'),
    (C3D_SPORTS1M, 'conv5b.conv.weight', 'fc6.weight'),
],
                         ids=['load_from', 'c3d-pretrained'])
def test_a_missing_or_misshapen_backbone_tensor_is_reported(
        path, missing, reshaped, published, serve, tmp_path):
    """MMEngine's non-strict loading (``load_from``, and C3D's
    ``pretrained``) warns with the missing and the misshapen names, and
    leaves those tensors as initialised. (The misshapen fc6 is the one of
    an 8 x 224 x 224 C3D without C3DFlex: 512 x 1 x 8 x 8 inputs.)"""
    cfg = Config.fromfile(path)
    serve(url_of(cfg),
          break_checkpoint(path, published, tmp_path, missing, reshaped))
    model, _ = build_as_runner(cfg, tmp_path / 'log.txt')
    log = (tmp_path / 'log.txt').read_text()
    assert 'WARNING - The model and loaded state dict do not match' in log
    assert re.search(
        'missing keys in source state_dict: .*'
        f'{re.escape(missing)}', log)
    assert f'size mismatch for {reshaped}' in log
    weights = dict(model.named_parameters())
    state = published[path][1]
    for name in (missing, reshaped):
        weight = weights[re.sub('^(backbone\\.)?', 'backbone.', name)]
        assert weight.shape == state[name].shape
        assert not torch.equal(weight, state[name])


def test_torchvision_tensors_missing_or_misshapen_are_reported(
        published, serve, tmp_path):
    """MMAction2's torchvision loading fails on a missing tensor, naming
    it, and logs a misshapen one as not loaded (it stays as
    initialised)."""
    cfg = Config.fromfile(TSN_IMAGENET)
    url = url_of(cfg)
    serve(
        url,
        break_checkpoint(TSN_IMAGENET, published, tmp_path,
                         'layer3.2.bn2.weight', ''))
    with pytest.raises(KeyError, match=r'layer3\.2\.bn2\.weight'):
        build_as_runner(cfg, tmp_path / 'log.txt')

    shutil.rmtree(tmp_path / 'torch_home')
    serve(
        url,
        break_checkpoint(TSN_IMAGENET, published, tmp_path, '',
                         'layer4.0.conv2.weight'))
    model, _ = build_as_runner(cfg, tmp_path / 'log.txt')
    log = (tmp_path / 'log.txt').read_text()
    assert re.search(
        r'These parameters in pretrained checkpoint are not loaded: '
        r"\{[^}]*'layer4\.0\.conv2\.weight'", log)
    weight = model.backbone.layer4[0].conv2.conv.weight
    assert weight.shape == (512, 512, 3, 3)
    assert not torch.equal(weight,
                           published[TSN_IMAGENET][1]['layer4.0.conv2.weight'])


@pytest.mark.slow
def test_tools_train_starts_from_the_cached_file(published, tiny_liris,
                                                 tmp_path, monkeypatch):
    """tools/train.py, offline, with the Kinetics TSN file in torch's cache
    (where a download puts it): one iteration, after loading its backbone
    and not its classifier."""
    path = TSN_KINETICS
    cfg = Config.fromfile(path)
    cache = tmp_path / 'torch_home/hub/checkpoints'
    cache.mkdir(parents=True)
    file = cache / url_of(cfg).rsplit('/', 1)[1]
    shutil.copy(published[path][0], file)
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    proc = run('tools/train.py', str(path),
               '--work-dir', str(tmp_path / 'work'), '--data-root',
               str(tiny_liris), '--no-validate', '--cfg-options',
               'train_cfg.max_epochs=1', 'train_dataloader.batch_size=2',
               'train_dataloader.num_workers=0',
               'train_dataloader.persistent_workers=False',
               'train_dataloader.dataset.indices=2',
               'default_hooks.checkpoint=None',
               'train_dataloader.dataset.pipeline.3.scale=(32,32)')
    log = next((tmp_path / 'work').glob('*/*.log')).read_text()
    assert re.search(r'Epoch\(train\) \[1\]\[1/1\].* loss: \d', log)
    assert f'Load checkpoint from {cfg.load_from}' in log
    # The runner prints what did not match, without its logger.
    assert ('unexpected key in source state_dict: '
            'cls_head.fc_cls.weight, cls_head.fc_cls.bias') in proc.stdout
    missing = re.search(r'missing keys in source state_dict: (.*)',
                        proc.stdout).group(1)
    assert set(missing.split(', ')) == {
        'cls_head.fcs.1.weight', 'cls_head.fcs.1.bias',
        'cls_head.output_offset'
    }
