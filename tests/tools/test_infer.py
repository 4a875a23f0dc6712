"""tools/infer.py end to end: timelines of a folder of videos, broken
files, the comparison with known values."""
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import CONFIG, REPO, run_in_process
from generated_videos import write_av, write_cv2, write_with_sound
from mmengine.runner import save_checkpoint

from emovid_mm.apis import init_model

pytestmark = pytest.mark.slow


def run_infer(*args):
    return subprocess.run([sys.executable, 'tools/infer.py', *args],
                          cwd=REPO,
                          capture_output=True,
                          text=True,
                          timeout=300)


def test_cli_writes_timelines_and_reports_broken_files(tiny_checkpoint,
                                                       tmp_path):
    folder = tmp_path / 'videos'
    (folder / 'sub').mkdir(parents=True)
    write_av(folder / 'long.mkv', 'libx264', (32, 48), fps=4, duration=40.0)
    write_av(folder / 'short.mov', 'libx264', (64, 36), fps=25, duration=3.0)
    write_cv2(folder / 'sub' / 'short.mp4', 'mp4v', (64, 32), duration=4.0)
    (folder / 'notes.txt').write_text('not a video, and not looked at')
    broken = tmp_path / 'broken.mp4'
    broken.write_text('not a video')
    out = tmp_path / 'out'
    proc = run_infer(
        str(folder), str(broken),
        '--config', CONFIG, '--checkpoint', tiny_checkpoint, '--out-dir',
        str(out), '--device', 'cpu', '--batch-size', '4')
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert f'Cannot read {broken} as a video' in proc.stderr
    assert '7/7' in proc.stderr  # the progress bar of long.mkv
    assert '3 of 4 videos analysed' in proc.stdout

    with open(out / 'summary.csv') as f:
        rows = {Path(r['video']).name: r for r in csv.DictReader(f)}
    assert [(r['name'], r['status'])
            for r in rows.values()] == [('long', 'ok'), ('short', 'ok'),
                                        ('short_2', 'ok'),
                                        ('broken', 'failed')]
    assert rows['long.mkv']['num_windows'] == '7'
    assert 'Cannot read' in rows['broken.mp4']['error']
    with open(out / 'long.csv') as f:
        windows = list(csv.DictReader(f))
    assert list(windows[0]) == ['start', 'end', 'valence', 'arousal']
    assert [float(w['start']) for w in windows] == list(range(0, 35, 5))
    saved = json.loads((out / 'long.json').read_text())
    assert saved['values']['valence'] == pytest.approx(
        float(rows['long.mkv']['valence']), abs=1e-5)
    assert len(saved['windows']) == 7
    for name in ('long', 'short', 'short_2'):
        for ext in ('csv', 'json'):
            assert (out / f'{name}.{ext}').stat().st_size > 0
        assert (out / f'{name}.png').read_bytes()[:4] == b'\x89PNG'
    assert not (out / 'broken.csv').exists()


def infer_main(*args: str) -> int:
    return run_in_process('tools/infer.py', *args)


def test_cli_exits_0_when_all_videos_are_read(tiny_checkpoint, tmp_path,
                                              capsys):
    video = write_cv2(tmp_path / 'clip.avi', 'MJPG', (64, 32), duration=3.0)
    assert infer_main(
        str(video), '--config', CONFIG, '--checkpoint', tiny_checkpoint,
        '--out-dir', str(tmp_path / 'out'), '--device', 'cpu') == 0
    assert '1 of 1 videos analysed' in capsys.readouterr().out
    assert (tmp_path / 'out' / 'clip.png').is_file()


def test_cli_compares_with_the_truth(tiny_checkpoint, tmp_path, capsys):
    video = write_cv2(tmp_path / 'film.avi', 'MJPG', (64, 32), duration=20.0)
    truth = tmp_path / 'film_clips.csv'
    truth.write_text('start,end,valence,arousal\n0,8,1,2\n8,20,3,2.5\n')
    argv = [
        str(video), '--config', CONFIG, '--checkpoint', tiny_checkpoint,
        '--out-dir',
        str(tmp_path / 'out'), '--device', 'cpu', '--truth',
        str(truth)
    ]
    assert infer_main(*argv) == 0
    assert re.search(
        r'Pearson r of the windows with the truth: valence '
        r'-?[\d.]+, arousal -?[\d.]+',
        capsys.readouterr().out)
    assert (tmp_path / 'out' / 'film.png').is_file()
    bad = tmp_path / 'bad.csv'
    bad.write_text('time,valence\n0,1\n')
    for args, message in (([str(video)] + argv, 'goes with one video file'),
                          (argv + ['--truth', str(bad)],
                           'bad.csv needs a header')):
        assert infer_main(*args) == 2
        assert message in capsys.readouterr().err


@pytest.fixture(scope='module')
def sound_checkpoints(tmp_path_factory):
    """The tiny audio-visual and audio-only models of tests/apis, random
    weights, saved as checkpoints: ``{config: checkpoint}``."""
    root = tmp_path_factory.mktemp('sound_ckpt')
    checkpoints = {}
    for name in ('tiny_tsn_audio_liris', 'tiny_audio_liris'):
        config = str(REPO / f'tests/data/{name}.py')
        torch.manual_seed(0)
        model = init_model(config, device='cpu')
        checkpoints[config] = str(root / f'{name}.pth')
        save_checkpoint(
            dict(meta=dict(epoch=1), state_dict=model.state_dict()),
            checkpoints[config])
    return checkpoints


def test_cli_with_sound(sound_checkpoints, tmp_path, capsys):
    """An audio-visual model hears the videos with sound and predicts the
    one without from its frames, saying so once; a model of sound alone
    reports that one as failed."""
    folder = tmp_path / 'videos'
    folder.mkdir()
    write_with_sound(folder / 'heard.mp4', 12.0)
    silent = write_with_sound(folder / 'silent.mp4', 6.0, sound=False)
    (av_config, av_checkpoint), (audio_config, audio_checkpoint) = (
        sound_checkpoints.items())
    out = tmp_path / 'out'
    assert infer_main(
        str(folder), '--config', av_config, '--checkpoint', av_checkpoint,
        '--out-dir', str(out), '--device', 'cpu') == 0
    printed = capsys.readouterr()
    assert printed.err.count('WARNING') == 1
    assert (f'WARNING: {silent} has no audio track, or one that cannot be '
            'decoded (1 of 1 window(s)): predicted from its frames alone'
            in printed.err)
    notes = [
        line for line in printed.out.splitlines()
        if '(no sound: predicted from the frames alone)' in line
    ]
    assert len(notes) == 1 and notes[0].startswith(f'{silent}: ')
    assert '2 of 2 videos analysed' in printed.out

    assert infer_main(
        str(folder), '--config', audio_config, '--checkpoint',
        audio_checkpoint, '--out-dir', str(out), '--device', 'cpu') == 1
    assert 'hears sound alone' in capsys.readouterr().err
    with open(out / 'summary.csv') as f:
        rows = {Path(r['video']).name: r['status'] for r in csv.DictReader(f)}
    assert rows == {'heard.mp4': 'ok', 'silent.mp4': 'failed'}
