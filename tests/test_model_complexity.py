"""Tests of tools/analysis/model_complexity.py on small clips."""
import importlib.util
import math
import os
import subprocess
import sys
from types import ModuleType

import mmengine
import pytest
import torch
from mmaction.registry import MODELS

from conftest import REPO

SCRIPT = REPO / 'tools/analysis/model_complexity.py'
ECO_LITE = str(REPO / 'configs/eco_lite_liris.py')
DEMO = str(REPO / 'configs/demo_liris.py')
SIZE = (64, 64)


@pytest.fixture(scope='module')
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location('model_complexity', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(autouse=True)
def one_thread():
    """One thread: as fast for these small clips, and not slowed down by a
    busy second core."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def eco_lite(tool):
    return tool.analyse(ECO_LITE, 4, SIZE)


@pytest.fixture(scope='module')
def demo(tool):
    return tool.analyse(DEMO, 4, SIZE)


def built(config: str) -> torch.nn.Module:
    import emovid_mm  # noqa: F401
    return MODELS.build(mmengine.Config.fromfile(config).model)


@pytest.mark.parametrize(
    'config, report', [(ECO_LITE, 'eco_lite'), (DEMO, 'demo')],
    ids=['eco_lite', 'demo'])
def test_parameters_are_those_of_the_model(config, report, request):
    report = request.getfixturevalue(report)
    assert report.params == sum(p.numel() for p in built(config).parameters())


def test_eco_lite_parts_add_up(eco_lite):
    assert [p.label for p in eco_lite.parts] == ['2D trunk', '3D part', 'head']
    assert sum(p.params for p in eco_lite.parts) == eco_lite.params
    assert sum(p.flops for p in eco_lite.parts) == eco_lite.flops
    # The head's linear layer: 512 inputs x 2 targets multiply-adds.
    assert eco_lite.parts[-1].flops == 512 * 2
    assert sum(s.params for s in eco_lite.stages) == eco_lite.params


def test_defaults_are_the_config_frames_and_224(tool):
    args = tool.parse_args([ECO_LITE])
    assert args.frames is None and tuple(args.size) == (224, 224)
    _, frames, layout = tool.build_model(ECO_LITE)
    assert (frames, layout) == (8, 'NCHW')
    _, frames, layout = tool.build_model(DEMO)
    assert (frames, layout) == (8, 'NCHW')
    model, frames, _ = tool.build_model(ECO_LITE, 4)
    assert model.num_segments == frames == 4


@pytest.mark.parametrize(
    'config, base', [(ECO_LITE, 'eco_lite'), (DEMO, 'demo')],
    ids=['eco_lite', 'demo'])
def test_flops_scale_with_frames_and_area(tool, config, base, request):
    base = request.getfixturevalue(base)
    frames = tool.analyse(config, 8, SIZE)
    area = tool.analyse(config, 4, (128, 128))
    assert frames.flops / base.flops == pytest.approx(2, rel=0.1)
    assert area.flops / base.flops == pytest.approx(4, rel=0.1)
    assert frames.params == area.params == base.params


@pytest.mark.parametrize('frames', [4, 8])
def test_eco_lite_shapes(tool, eco_lite, frames):
    report = eco_lite if frames == 4 else tool.analyse(ECO_LITE, 8, SIZE)
    h, w = SIZE
    # The trunk maps each frame to the tap at 1/8 of the size, the 3D part
    # halves time and space twice (res4, res5).
    tap = (frames, 96, h // 8, w // 8)
    volume = (1, 96, frames, h // 8, w // 8)
    out_3d = (1, 512, math.ceil(frames / 4), h // 32, w // 32)
    parts = {p.label: p for p in report.parts}
    assert parts['2D trunk'].input_shape == str((frames, 3, h, w))
    assert parts['2D trunk'].output_shape == str(tap)
    assert parts['3D part'].input_shape == str(volume)
    assert parts['3D part'].output_shape == str(out_3d)
    assert parts['head'].input_shape == str((1, 512))
    assert parts['head'].output_shape == str((1, 2))
    stages = {s.name: s.output_shape for s in report.stages}
    assert stages['inception_3c (tap)'] == str(tap)
    assert stages['res3'] == str((1, 128, frames, h // 8, w // 8))
    assert stages['res4'] == str(
        (1, 256, math.ceil(frames / 2), h // 16, w // 16))
    assert stages['res5'] == str(out_3d)


def test_tsn_shapes_are_the_backbone_output(demo):
    model = built(DEMO).eval()
    with torch.no_grad():
        out = model.backbone(torch.zeros(4, 3, *SIZE))
    parts = {p.label: p for p in demo.parts}
    assert parts['backbone'].output_shape == str(tuple(out.shape))
    assert parts['head'].output_shape == str((1, 2))
    assert [s.name for s in demo.stages] == [
        'conv1', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'cls_head'
    ]
    assert demo.stages[-2].output_shape == str(tuple(out.shape))


def test_time_reports_seconds_and_threads(tool):
    report = tool.analyse(DEMO, 2, (32, 32), runs=2)
    assert report.seconds > 0
    assert report.threads == torch.get_num_threads() == 1


def test_cli_prints_the_tables(eco_lite):
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT), ECO_LITE, '--frames', '4', '--size', '64', '64',
            '--parts', '--layers'
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert (f'| eco_lite_liris | 4 | 3x64x64 | {eco_lite.params / 1e6:.2f} | '
            f'{eco_lite.params:,} |') in out
    assert 'eco_lite_liris: parts, 4 frames of 3x64x64' in out
    assert '| 3D part | `backbone_3d` |' in out
    assert '| (1, 96, 4, 8, 8) | (1, 512, 1, 2, 2) |' in out
    assert '| 3D part | res5 | (1, 512, 1, 2, 2) |' in out


def test_bad_config_path_is_a_clear_error(tool, capsys):
    with pytest.raises(SystemExit) as error:
        tool.main(['configs/no_such_config.py'])
    assert error.value.code == 2
    assert ('config file not found: configs/no_such_config.py'
            in capsys.readouterr().err)
    with pytest.raises(FileNotFoundError, match='no_such_config.py'):
        tool.build_model('configs/no_such_config.py')


def test_clip_layouts(tool):
    assert tool.dummy_clip(4, SIZE, 'NCHW').shape == (1, 4, 3, *SIZE)
    assert tool.dummy_clip(4, SIZE, 'NCTHW').shape == (1, 1, 3, 4, *SIZE)
    with pytest.raises(ValueError, match='NCTHW'):
        tool.dummy_clip(4, SIZE, 'NTCHW')
