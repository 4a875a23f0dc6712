"""What the files of configs/ say: settings written out, not computed, and
file names that state what the configs resolve to, in MMAction2's naming
scheme. Only read (``ast``, ``Config.fromfile``): nothing is built but the
audio backbone, for its ``out_channels``."""
import ast
import re
from pathlib import Path
from typing import List, Optional, Set

import pytest
from mmengine.config import Config

from conftest import REPO
from mmaction.registry import MODELS

import emovid_mm  # noqa: F401 (registers AudioCNN)
from emovid_mm.utils import audio_shape, clip_shape

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
#: {dataset}-[target]-{modality}.py, the backbone field ending in -{N}fc for
#: a head of N fully-connected layers, and in -audiocnn for an audio-visual
#: model. The clip is that of the frames (clip_len x 1 x segments), of
#: audio-only models that of the log-mel (segment_frames x 1 x segments).
CONFIG_NAME = re.compile(
    r'(?P<model>[a-z0-9]+)_(?P<backbone>[a-z0-9-]+(?:_[a-z0-9-]+)?)'
    r'_(?P<gpus>\d+)xb(?P<batch>\d+)-(?P<clip>\d+x1x\d+)'
    r'(?:-(?P<fps>\d+)fps)?(?:-(?P<px>\d+)px)?(?P<adam>-adam)?'
    r'-(?P<epochs>\d+)e_(?P<dataset>liris-accede|liris-synthetic(?:-sound)?)'
    r'(?:-(?P<target>valence|arousal))?-(?P<modality>rgb|audio|rgb-audio)'
    r'\.py')
#: The sound of every audio config: 16 kHz, log-mel of a 512-point STFT
#: every 10 ms with 64 mels, 8 windows of 96 mel frames (0.96 s); the
#: audio-visual names leave it out.
AUDIO_STEPS = [
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=64),
    dict(type='SegmentSampleMel', num_segments=8, segment_frames=96)
]
AUDIO_VISUAL = [p for p in NAMED if p.name.endswith('-rgb-audio.py')]

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


def step(loader: dict, kind: str) -> Optional[dict]:
    """The pipeline's step of type ``kind``, if any."""
    return next((t for t in loader.dataset.pipeline if t['type'] == kind),
                None)


def audio_steps(loader: dict) -> List[dict]:
    """The pipeline's audio steps, without their ``test_mode``."""
    kinds = [t['type'] for t in AUDIO_STEPS]
    return [{
        k: v
        for k, v in t.items() if k != 'test_mode'
    } for t in loader.dataset.pipeline if t['type'] in kinds]


def frame_steps(loader: dict) -> List[dict]:
    """The pipeline without its audio steps, packing the frames alone."""
    kinds = [t['type'] for t in AUDIO_STEPS]
    return [
        dict(type='PackEmotionInputs')
        if t['type'] == 'PackEmotionInputs' else t
        for t in loader.dataset.pipeline if t['type'] not in kinds
    ]


def settings(cfg: Config) -> dict:
    return {k: cfg.to_dict()[k] for k in SETTINGS}


@pytest.mark.parametrize('path', FILES, ids=name)
def test_a_config_file_says_and_does_not_compute(path):
    assert computations(path) == []


@pytest.mark.parametrize(
    'path', sorted((REPO / 'tests/data').glob('tiny_*.py')),
    ids=lambda p: p.name)
def test_the_tests_configs_say_and_do_not_compute(path):
    assert computations(path) == []


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
    frames = 'rgb' in match['modality'].split('-')
    audio = 'audio' in match['modality'].split('-')
    assert (clip_shape(cfg) is not None) == frames
    assert (audio_shape(cfg) is not None) == audio
    if frames:
        px = int(match['px'] or 224)
        assert clip_shape(cfg)[1] == (px, px)
    else:
        assert match['px'] is None and match['fps'] is None
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
        if frames:
            frame_sampler = sampler(cfg[loader])
            clip = (f'{frame_sampler.get("clip_len", 1)}x1x'
                    f'{frame_sampler.num_segments}')
            assert clip == match['clip'], loader
            fps = frame_sampler.get('target_fps')
            assert fps == (int(match['fps']) if match['fps'] else None), loader
        if audio:
            assert audio_steps(cfg[loader]) == AUDIO_STEPS, loader
            mel = step(cfg[loader], 'SegmentSampleMel')
            assert mel.get('test_mode', False) == (loader != LOADERS[0])
            assert not step(cfg[loader], 'ClipAudioDecode').get(
                'allow_missing', False), 'a dataset clip needs its sound'
            if not frames:
                clip = f'{mel.segment_frames}x1x{mel.num_segments}'
                assert clip == match['clip'], loader
        keys = {
            'rgb': None,
            'audio': ('audio_mel', ),
            'rgb-audio': ('imgs', 'audio_mel')
        }[match['modality']]
        pack = step(cfg[loader], 'PackEmotionInputs')
        assert pack.get('collect_keys') == keys, loader
    # ECO takes the number of segments of its pipeline.
    visual = cfg.model.get('visual', cfg.model)
    if frames:
        segments = sampler(cfg.test_dataloader).num_segments
        assert visual.get('num_segments', segments) == segments
    if audio:
        # The model's data preprocessor takes each packed input, and its
        # audio backbone the pipeline's mel bands.
        preprocessors = cfg.model.data_preprocessor.preprocessors
        assert set(preprocessors) == set(keys)
        assert cfg.model.audio_backbone.n_mels == audio_shape(cfg)[1]
        assert match['backbone'].endswith('audiocnn')
    # Either branch of an audio-visual model still predicts alone.
    assert (cfg.model.get('modality_dropout', 0) > 0) == (frames and audio)
    optimizer = cfg.optim_wrapper.optimizer.type
    assert optimizer == ('Adam' if match['adam'] else 'SGD')
    assert cfg.train_cfg.max_epochs == int(match['epochs'])
    fcs = re.search(r'-(\d+)fc$', match['backbone'])
    hidden = cfg.model.cls_head.get('hidden_channels', ())
    assert (int(fcs[1]) if fcs else 1) == len(hidden) + 1
    assert fcs is None or fcs[1] != '1', '1 layer is the default, unmarked'


@pytest.mark.parametrize('path', AUDIO_VISUAL, ids=name)
def test_an_audio_visual_config_is_its_visual_config_with_sound(path):
    """Each audio-visual config is the visual-only config of its folder
    (its name without -audiocnn and -audio) plus the sound: the same frames,
    schedule and visual model, AudioCNN's features added to the head's
    input."""
    visual_path = path.with_name(
        path.name.replace('-audiocnn_', '_').replace('-rgb-audio.py',
                                                     '-rgb.py'))
    assert visual_path.is_file(), f'no visual-only {name(visual_path)}'
    cfg, visual = Config.fromfile(path), Config.fromfile(visual_path)
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg'):
        assert cfg[key] == visual[key], key
    for loader in LOADERS:
        assert frame_steps(cfg[loader]) == frame_steps(visual[loader])
        cfg[loader].dataset.pop('pipeline')
        visual[loader].dataset.pop('pipeline')
        assert cfg[loader] == visual[loader], loader
    head = visual.model.pop('cls_head')
    assert (cfg.model.data_preprocessor.preprocessors.imgs == visual.model.pop(
        'data_preprocessor'))
    assert cfg.model.visual == visual.model
    audio = MODELS.build(cfg.model.audio_backbone)
    assert cfg.model.cls_head.pop('in_channels') == (
        head.pop('in_channels') + audio.out_channels)
    assert cfg.model.cls_head == head


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
