"""tools/analysis/benchmark_audio_backbones.py on a tiny log-mel input."""
import pytest
from conftest import run

from emovid_mm.analysis.audio_backbone_benchmark import (
    benchmark_audio_backbones, smallest_resnet_audio_depth)

pytestmark = pytest.mark.slow
SCRIPT = 'tools/analysis/benchmark_audio_backbones.py'


def test_cli_prints_a_row_per_backbone():
    proc = run(SCRIPT, '--segments', '2', '--mels', '16', '--frames', '32',
               '--batch-size', '1', '--runs', '1')
    out = proc.stdout
    assert ('One clip: 2 log-mel segments of 1 x 16 mels x 32 frames; '
            'training passes on batches of 1 clips') in out
    assert 'ResNetAudio builds depths from 50.' in out
    assert '| AudioCNN | emovid_mm defaults | 1,172,672 | 1.0 | ' in out
    assert '| ResNetAudio-50 | MMAction2 audioonly_r50.py | 5,905,728 |' in out
    assert ('| ResNet-18, 1 channel | MMAction2 tsn_r18_audio.py | '
            '11,170,240 |') in out
    assert '| 256 x 1 x 2 |' in out  # AudioCNN: 16 x 32 -> 1 x 2


def test_reports_count_flops_of_a_clip():
    reports = benchmark_audio_backbones(
        segments=2, mels=16, frames=16, batch_size=1, runs=1)
    assert [r.name for r in reports
            ] == ['AudioCNN', 'ResNetAudio-50', 'ResNet-18, 1 channel']
    # AudioCNN per segment: 3x3 convolutions (a multiply-add each) at
    # 16x16, 8x8, 4x4 and 2x2, batch norm 2 per element (the mel bands'
    # too).
    sizes, widths = (256, 64, 16, 4), (1, 32, 64, 128, 256)
    convs = sum(hw * 9 * (c_in * c_out + c_out * c_out)
                for hw, c_in, c_out in zip(sizes, widths, widths[1:]))
    norms = 2 * 256 + sum(2 * 2 * hw * c for hw, c in zip(sizes, widths[1:]))
    assert reports[0].flops == 2 * (convs + norms)
    assert reports[0].out_shape == (256, 1, 1)
    assert reports[1].out_shape[0] == 1024 and reports[2].out_shape[0] == 512
    assert all(len(r.seconds) == 1 and r.seconds[0] > 0 for r in reports)
    assert smallest_resnet_audio_depth() == 50


def test_bad_argument_is_a_clear_error():
    proc = run(SCRIPT, '--runs', '0', check=False)
    assert proc.returncode == 1
    assert 'error: segments, mels, frames, batch_size and runs must be >= 1'\
        in proc.stderr
    assert 'Traceback' not in proc.stderr
