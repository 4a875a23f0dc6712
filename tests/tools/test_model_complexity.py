"""tools/analysis/model_complexity.py on small clips, on one thread."""
import os
import subprocess
import sys

import pytest
from conftest import CONFIG, REPO

from emovid_mm.analysis import analyse

pytestmark = pytest.mark.slow
SCRIPT = REPO / 'tools/analysis/model_complexity.py'
ECO_LITE = str(REPO / 'configs/eco_lite_liris.py')
SIZE = (64, 64)


def tool(*args: str) -> subprocess.CompletedProcess:
    """The tool on one thread."""
    return subprocess.run([sys.executable, str(SCRIPT), *args],
                          cwd=REPO,
                          capture_output=True,
                          text=True,
                          timeout=300,
                          env=dict(os.environ, OMP_NUM_THREADS='1'))


def test_cli_prints_the_tables():
    eco_lite = analyse(ECO_LITE, 4, SIZE)
    proc = tool(ECO_LITE, '--frames', '4', '--size', '64', '64', '--parts',
                '--layers')
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert (f'| eco_lite_liris | 4 | 3x64x64 | {eco_lite.params / 1e6:.2f} | '
            f'{eco_lite.params:,} |') in out
    assert 'eco_lite_liris: parts, 4 frames of 3x64x64' in out
    assert '| 3D part | `backbone_3d` |' in out
    assert '| (1, 96, 4, 8, 8) | (1, 512, 1, 2, 2) |' in out
    assert '| 3D part | res5 | (1, 512, 1, 2, 2) |' in out


def test_cli_defaults_to_the_test_clip():
    proc = tool(CONFIG)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '| tiny_tsn_liris | 4 | 3x32x32 |' in proc.stdout


def test_bad_config_path_is_a_clear_error(tmp_path):
    proc = tool('configs/no_such_config.py')
    assert proc.returncode == 2
    assert 'config file not found: configs/no_such_config.py' in proc.stderr
    config = tmp_path / 'no_sampler.py'
    config.write_text(f"_base_ = ['{CONFIG}']\n"
                      'test_dataloader = dict(dataset=dict(pipeline=[]))\n')
    proc = tool(str(config))
    assert proc.returncode == 1
    assert 'no_sampler.py: cannot read frames' in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_cli_on_an_audio_only_model():
    audio = str(REPO / 'configs/tsn/tsn_audiocnn_1xb8-96x1x8-adam-10e_'
                'liris-synthetic-sound-audio.py')
    proc = tool(audio, '--parts')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '| - | 8x64x96 log-mel |' in proc.stdout
    assert ': parts, 8 log-mel segments of 64x96' in proc.stdout
    assert '| audio backbone | `audio_backbone` |' in proc.stdout
    proc = tool(audio, '--frames', '4')
    assert proc.returncode == 1
    assert 'audio-only model: it takes no frames' in proc.stderr
