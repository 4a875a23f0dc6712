"""Every config of configs/: its model runs forward and backward at the
config's own input size (frames and/or log-mel), and tools/train.py trains
it for one iteration on tiny generated data (with sound)."""
import re
import runpy
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from conftest import REPO
from emovid_mm.analysis import build_model, dummy_inputs
from emovid_mm.utils import audio_shape, clip_shape

CONFIGS = sorted(
    p for p in (REPO / 'configs').rglob('*.py') if '_base_' not in p.parts)


def name(path: Path) -> str:
    return str(path.relative_to(REPO / 'configs'))


def distinct_models():
    """One config per distinct model and input size."""
    seen = {}
    for path in CONFIGS:
        cfg = Config.fromfile(path)
        key = (repr(cfg.model), clip_shape(cfg), audio_shape(cfg))
        seen.setdefault(key, path)
    return sorted(seen.values())


def test_every_config_is_found():
    assert len(CONFIGS) >= 30
    assert {name(p) for p in CONFIGS} >= {
        'c3d_liris.py', 'r2plus1d_liris.py', 'tsn_liris.py',
        'eco_lite_liris.py', 'eco_full_liris.py', 'demo_liris.py'
    }


@pytest.mark.parametrize('path', distinct_models(), ids=name)
def test_forward_backward_at_the_configs_input_size(path):
    cfg = Config.fromfile(path)
    model, frames, size, layout, audio = build_model(str(path))
    model.train()
    # Both branches of an audio-visual model, for the gradients of each
    # (modality dropout may zero either for one sample).
    if hasattr(model, 'modality_dropout'):
        model.modality_dropout = 0.0
    feats, kwargs = model.extract_feat(
        dummy_inputs(model, frames, size, layout, audio))
    preds = model.cls_head(feats, **kwargs)
    assert preds.shape == (1, len(cfg.model.cls_head.targets))
    preds.sum().backward()
    modules = dict(model.named_modules())
    backbones = [
        modules[k] for k in ('backbone', 'visual.backbone', 'audio_backbone')
        if k in modules
    ]
    assert len(backbones) == (frames is not None) + (audio is not None)
    for backbone in backbones:
        first = next(p for p in backbone.parameters() if p.dim() >= 4)
        assert first.grad is not None and first.grad.abs().sum() > 0


@pytest.mark.slow
@pytest.mark.parametrize('path', CONFIGS, ids=name)
def test_one_training_iteration_through_tools_train(path, tiny_liris,
                                                    tmp_path, monkeypatch):
    cfg = Config.fromfile(path)
    # One batch of 2 clips of 32x32 frames; no checkpoint (C3D's would
    # take 600 MB).
    options = ['train_cfg.max_epochs=1', 'train_dataloader.batch_size=2',
               'train_dataloader.num_workers=0',
               'train_dataloader.persistent_workers=False',
               'train_dataloader.dataset.indices=2',
               'default_hooks.checkpoint=None']
    # Nothing downloaded: test_pretrained_configs.py loads stand-ins of the
    # published weights.
    if cfg.get('load_from'):
        options.append('load_from=None')
    if cfg.model.get('backbone', {}).get('pretrained'):
        options.append('model.backbone.pretrained=None')

    def no_download(url, *args, **kwargs):
        raise AssertionError(f'{name(path)} downloads {url}')

    monkeypatch.setattr(torch.hub, 'download_url_to_file', no_download)
    steps = [t['type'] for t in cfg.train_dataloader.dataset.pipeline]
    if 'Resize' in steps:  # not in audio-only pipelines
        options.append(
            f'train_dataloader.dataset.pipeline.{steps.index("Resize")}'
            '.scale=(32,32)')
    if 'RandomCrop' in steps:
        options.append(
            f'train_dataloader.dataset.pipeline.{steps.index("RandomCrop")}'
            '.size=32')
    monkeypatch.setattr(sys, 'argv', [
        'tools/train.py', str(path), '--work-dir', str(tmp_path),
        '--data-root', str(tiny_liris), '--no-validate', '--cfg-options',
        *options
    ])
    runpy.run_path(str(REPO / 'tools/train.py'), run_name='__main__')
    log = next(tmp_path.glob('*/*.log')).read_text()
    assert re.search(r'Epoch\(train\) \[1\]\[1/1\].* loss: \d', log)
