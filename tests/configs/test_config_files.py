"""What the files of configs/ say: settings written out, not computed, and
file names that state what the configs resolve to, in MMAction2's naming
scheme. Only read (``ast``, ``Config.fromfile``): nothing is built."""
import ast
import re
from pathlib import Path
from typing import List, Set

import pytest
from mmengine.config import Config

from conftest import REPO
from emovid_mm.utils import clip_shape

CONFIGS = REPO / 'configs'
FILES = sorted(CONFIGS.rglob('*.py'))
SCHEDULES = sorted((CONFIGS / '_base_/schedules').glob('*.py'))
#: The configs of the model folders, named by the scheme; the short names
#: at the top (eco_lite_liris.py, demo_liris.py, ...) are not.
NAMED = sorted(p for p in CONFIGS.glob('*/*.py') if p.parent.name != '_base_')
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
#: What defines a run, to compare configs by.
SETTINGS = ('model', *LOADERS, 'optim_wrapper', 'param_scheduler',
            'train_cfg')

SCHEDULE_NAME = re.compile(r'(?P<optimizer>sgd|adam)_lr(?P<lr>\d+e-\d+)'
                           r'_step(?P<step>\d+)_(?P<epochs>\d+)e\.py')
#: {model}_[setting]_{backbone}_{NxbM}-{clip}-[fps]-[px]-[adam]-{epochs}e_
#: {dataset}-[target]-rgb.py, the backbone field ending in -{N}fc for a
#: head of N fully-connected layers.
CONFIG_NAME = re.compile(
    r'(?P<model>[a-z0-9]+)_(?P<backbone>[a-z0-9-]+(?:_[a-z0-9-]+)?)'
    r'_(?P<gpus>\d+)xb(?P<batch>\d+)-(?P<clip>\d+x1x\d+)'
    r'(?:-(?P<fps>\d+)fps)?(?:-(?P<px>\d+)px)?(?P<adam>-adam)?'
    r'-(?P<epochs>\d+)e_(?P<dataset>liris-accede|liris-synthetic)'
    r'(?:-(?P<target>valence|arousal))?-rgb\.py')

TABLE2 = 'eco/eco_*_liris-accede-valence-rgb.py'
TABLE3 = 'eco/eco_lite_bninception_1xb8-1x1x{}-5fps-30e_liris-accede-arousal-rgb.py'  # noqa: E501


def name(path: Path) -> str:
    return str(path.relative_to(CONFIGS))


def computations(path: Path) -> List[str]:
    """What a config file computes instead of saying: functions, lambdas,
    comprehensions, ``dict(other, ...)`` copies, reads of ``_base_``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.Lambda, ast.ClassDef,
                             ast.ListComp, ast.SetComp, ast.DictComp,
                             ast.GeneratorExp)):
            found.append(f'{type(node).__name__} (line {node.lineno})')
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == 'dict' and node.args):
            found.append(f'dict(other, ...) (line {node.lineno})')
        elif (isinstance(node, ast.Attribute)
              and isinstance(node.value, ast.Name)
              and node.value.id == '_base_'):
            found.append(f'_base_.{node.attr} (line {node.lineno})')
    return found


def assigned(path: Path) -> Set[str]:
    """The settings a config file sets: its top-level names, and
    ``train_cfg.KEY`` for each key of ``train_cfg`` it sets."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            names.add(target.id)
            if target.id == 'train_cfg':
                names |= {f'train_cfg.{k.arg}' for k in node.value.keywords}
    return names


def sampler(loader: dict) -> dict:
    return next(t for t in loader.dataset.pipeline
                if t['type'] == 'SegmentSampleFrames')


def settings(cfg: Config) -> dict:
    return {k: cfg.to_dict()[k] for k in SETTINGS}


@pytest.mark.parametrize('path', FILES, ids=name)
def test_a_config_file_says_and_does_not_compute(path):
    assert computations(path) == []


def test_the_tests_config_says_and_does_not_compute():
    assert computations(REPO / 'tests/data/tiny_tsn_liris.py') == []


@pytest.mark.parametrize('path', SCHEDULES, ids=name)
def test_a_schedule_base_is_named_by_what_it_sets(path):
    match = SCHEDULE_NAME.fullmatch(path.name)
    assert match, 'not {optimizer}_lr{lr}_step{step}_{epochs}e.py'
    assert '_base_' not in assigned(path), 'a schedule base is written out'
    cfg = Config.fromfile(path)
    optimizer = cfg.optim_wrapper.optimizer
    assert optimizer.type.lower() == match['optimizer']
    assert optimizer.lr == float(match['lr'])
    assert cfg.train_cfg.max_epochs == int(match['epochs'])
    (scheduler, ) = cfg.param_scheduler
    step = int(match['step'])
    if scheduler.type == 'StepLR':
        assert scheduler.step_size == step
    else:
        assert (scheduler.type, scheduler.milestones) == ('MultiStepLR',
                                                          [step])


@pytest.mark.parametrize(
    'path', [p for p in FILES if p not in SCHEDULES], ids=name)
def test_only_schedule_bases_set_the_optimizer_and_its_schedule(path):
    """A config inherits the schedule base that states its optimizer, lr,
    steps and epochs, instead of overriding another."""
    assert assigned(path) & {
        'optim_wrapper', 'param_scheduler', 'train_cfg.max_epochs'
    } == set()


@pytest.mark.parametrize(
    'path', [p for p in CONFIGS.glob('*.py') if p.name != 'demo_liris.py'],
    ids=name)
def test_a_short_name_only_names_a_config_of_a_model_folder(path):
    (statement, ) = ast.parse(path.read_text()).body
    assert assigned(path) == {'_base_'}
    (base, ) = ast.literal_eval(statement.value)
    assert (path.parent / base).resolve() in NAMED


@pytest.mark.parametrize('path', NAMED, ids=name)
def test_a_config_is_named_by_what_it_sets(path):
    match = CONFIG_NAME.fullmatch(path.name)
    assert match, 'not in the naming scheme'
    assert match['model'] == path.parent.name
    cfg = Config.fromfile(path)
    px = int(match['px'] or 224)
    assert clip_shape(cfg)[1] == (px, px)
    assert cfg.train_dataloader.batch_size == int(match['batch'])
    assert cfg.auto_scale_lr.base_batch_size == (int(match['gpus']) *
                                                 int(match['batch']))
    target = match['target']
    targets = (target, ) if target else ('valence', 'arousal')
    assert tuple(cfg.model.cls_head.targets) == targets
    for loader in LOADERS:
        dataset = cfg[loader].dataset
        assert dataset.data_root == 'data/' + match['dataset'].replace(
            '-', '_')
        assert tuple(dataset.targets) == targets
        step = sampler(cfg[loader])
        clip = f'{step.get("clip_len", 1)}x1x{step.num_segments}'
        assert clip == match['clip'], loader
        fps = step.get('target_fps')
        assert fps == (int(match['fps']) if match['fps'] else None), loader
    # ECO takes the number of segments of its pipeline.
    segments = sampler(cfg.test_dataloader).num_segments
    assert cfg.model.get('num_segments', segments) == segments
    optimizer = cfg.optim_wrapper.optimizer.type
    assert optimizer == ('Adam' if match['adam'] else 'SGD')
    assert cfg.train_cfg.max_epochs == int(match['epochs'])
    fcs = re.search(r'-(\d+)fc$', match['backbone'])
    hidden = cfg.model.cls_head.get('hidden_channels', ())
    assert (int(fcs[1]) if fcs else 1) == len(hidden) + 1
    assert fcs is None or fcs[1] != '1', '1 layer is the default, unmarked'


def test_table2_is_eco_lite_and_full_by_optimizer_by_head_on_valence():
    """The paper's Table II: ECO Lite and ECO Full x SGD and Adam x 1 and
    3 fully-connected layers, valence; each as the SGD, 1-layer config of
    its model but for its optimizer and head."""
    cells = set()
    for path in sorted(CONFIGS.glob(TABLE2)):
        cfg = Config.fromfile(path)
        model = 'full' if 'backbone_2d' in cfg.model else 'lite'
        fcs = len(cfg.model.cls_head.pop('hidden_channels', ())) + 1
        cells.add((model, cfg.optim_wrapper.optimizer.type, fcs))
        sgd = Config.fromfile(
            CONFIGS / f'eco/eco_{model}_bninception_1xb8-1x1x8-5fps-30e_'
            'liris-accede-valence-rgb.py')
        cfg.optim_wrapper.optimizer = sgd.optim_wrapper.optimizer
        assert settings(cfg) == settings(sgd), name(path)
    assert cells == {(model, optimizer, fcs)
                     for model in ('lite', 'full')
                     for optimizer in ('SGD', 'Adam') for fcs in (1, 3)}
    assert len(sorted(CONFIGS.glob(TABLE2))) == len(cells)


@pytest.mark.parametrize('frames', [4, 12])
def test_table3_is_eco_lite_on_arousal_by_frames(frames):
    """The paper's Table III: ECO Lite on arousal with 4, 8 and 12 frames;
    each as the 8-frame config but for its segments."""
    cfg = Config.fromfile(CONFIGS / TABLE3.format(frames))
    assert cfg.model.num_segments == frames
    cfg.model.num_segments = 8
    for loader in LOADERS:
        assert sampler(cfg[loader]).num_segments == frames
        sampler(cfg[loader]).num_segments = 8
    assert settings(cfg) == settings(Config.fromfile(CONFIGS /
                                                     TABLE3.format(8)))
