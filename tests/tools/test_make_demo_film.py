"""emovid_mm.visualization.make_demo_film and its tool,
tools/data/make_demo_film.py: clips of a split joined into one film, with a
csv of where each clip is and its annotated values."""
import csv
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from conftest import RANKING, REPO, SETS, VIDEOS, run, write_liris
from emovid_mm.apis import VideoSource
from emovid_mm.datasets.liris_accede_annotations import (load_ranking,
                                                         load_sets)
from emovid_mm.visualization import make_demo_film

pytestmark = pytest.mark.slow
CONFIG = str(REPO / 'configs/_base_/datasets/liris_accede.py')
SPLITS = Config.fromfile(CONFIG).splits


def make(data_root: Path, out: Path,
         *args: str) -> subprocess.CompletedProcess:
    """The tool, with the splits of :data:`CONFIG`."""
    return run('tools/data/make_demo_film.py', '--data-root', str(data_root),
               '--out', str(out), '--config', CONFIG, *args, check=False)


def read_csv(path: Path) -> list:
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def test_joins_the_clips_of_the_split(tiny_liris, tmp_path):
    out = tmp_path / 'film' / 'demo.mp4'
    proc = make(tiny_liris, out, '--split', 'test', '--num-clips', '3')
    assert proc.returncode == 0, proc.stderr
    assert 'Wrote' in proc.stdout
    # 'test' is set 1 in the configs (the paper's test split)
    sets, ranking = (load_sets(str(tiny_liris / SETS)),
                     load_ranking(str(tiny_liris / RANKING)))
    ids = sorted(i for i, s in sets.items() if s == 1)[:3]
    clips = [VideoSource(tiny_liris / VIDEOS / ranking[i].name) for i in ids]
    film = VideoSource(out)
    fps = clips[0].reader.get_avg_fps()
    assert film.num_frames == sum(c.num_frames for c in clips)
    assert film.duration == pytest.approx(
        sum(c.duration for c in clips), abs=1 / fps)
    assert film.reader[0].shape == clips[0].reader[0].shape

    rows = read_csv(tmp_path / 'film' / 'demo_clips.csv')
    assert list(
        rows[0]) == ['start', 'end', 'name', 'film', 'valence', 'arousal']
    assert [r['name'] for r in rows] == [ranking[i].name for i in ids]
    for row, i, clip in zip(rows, ids, clips):
        assert float(row['valence']) == pytest.approx(ranking[i].valence)
        assert float(row['arousal']) == pytest.approx(ranking[i].arousal)
        assert float(row['end']) - float(row['start']) == pytest.approx(
            clip.duration, abs=1 / fps)
    bounds = [float(x) for r in rows for x in (r['start'], r['end'])]
    assert bounds[0] == 0 and bounds[1:-1:2] == bounds[2::2]
    assert bounds[-1] == pytest.approx(film.duration, abs=1e-3)


def test_clips_of_other_sizes_and_rates_are_resized_and_resampled(
        tmp_path, capsys):
    """The library function, on set ids."""
    root = write_liris(
        tmp_path / 'data', [dict(id=i, set=1, film=f'f{i}') for i in (0, 1)],
        videos=False)
    clips = (((64, 32), 10, 2.0), ((40, 48), 20, 1.5))  # size, fps, s
    for i, (size, fps, seconds) in enumerate(clips):
        writer = cv2.VideoWriter(
            str(root / VIDEOS / f'ACCEDE{i:05d}.mp4'),
            cv2.VideoWriter_fourcc(*'mp4v'), fps, size)
        for _ in range(int(seconds * fps)):
            writer.write(np.full((size[1], size[0], 3), 90 * i, np.uint8))
        writer.release()
    out = tmp_path / 'film.mp4'
    table = make_demo_film(str(root), [1], 2, str(out), SPLITS)
    assert table == str(tmp_path / 'film_clips.csv')
    printed = capsys.readouterr().out
    assert '1 clip(s) resized to 64x32: ACCEDE00001.mp4 (40x48)' in printed
    assert '1 clip(s) resampled to 10 fps: ACCEDE00001.mp4 (20 fps)' in printed
    film = VideoSource(out)
    assert film.num_frames == 35 and film.reader[0].shape == (32, 64, 3)
    assert [
        (r['start'], r['end']) for r in read_csv(tmp_path / 'film_clips.csv')
    ] == [('0.000', '2.000'), ('2.000', '3.500')]


@pytest.mark.parametrize('split, num_clips, message', [
    ('bogus', 1, "Unknown split 'bogus'"),
    ('test', 5, "Split 'test' of .* has 4 clips; --num-clips asks for 5"),
])
def test_bad_split_or_too_many_clips(tiny_liris, tmp_path, split, num_clips,
                                     message):
    with pytest.raises(ValueError, match=message):
        make_demo_film(
            str(tiny_liris), split, num_clips, str(tmp_path / 'film.mp4'),
            SPLITS)


def test_missing_data_root_says_where_it_looked(tmp_path):
    proc = make(tmp_path / 'nowhere', tmp_path / 'film.mp4')
    assert proc.returncode == 1
    assert str(tmp_path / 'nowhere') in proc.stderr
    assert proc.stderr.startswith('ERROR: ')
