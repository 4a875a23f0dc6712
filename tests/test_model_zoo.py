"""Tests of tools/model_zoo.py: records of a tiny run, the generated
model_zoo.md and metafiles, and the refusals."""
import hashlib
import json
import shutil

import numpy as np
import pytest
import yaml

from conftest import CONFIG, REPO, run
from emovid_mm.evaluation import read_predictions, regression_scores

TOOL = 'tools/model_zoo.py'


@pytest.fixture(scope='module')
def recorded(trained, tiny_liris, tmp_path_factory):
    """A copy of the tiny training run, recorded into a runs folder."""
    work_dir = tmp_path_factory.mktemp('zoo') / 'work'
    shutil.copytree(trained[0], work_dir)
    runs_dir = work_dir.parent / 'runs'
    run(TOOL, 'record', CONFIG, str(work_dir), '--data-root',
        str(tiny_liris), '--name', 'tiny_tsn', '--model', 'TSN tiny',
        '--data-name', 'tiny', '--data-command', 'make tiny', '--runs-dir',
        str(runs_dir), '--machine', 'test machine')
    return work_dir, runs_dir


def render(runs_dir, out_dir, *args, check=True):
    return run(TOOL, 'render', '--runs-dir', str(runs_dir), '--out-dir',
               str(out_dir), *args, check=check)


def test_record_holds_the_run(recorded, tiny_liris):
    work_dir, runs_dir = recorded
    record = runs_dir / 'tiny_tsn'
    meta = json.loads((record / 'run.json').read_text())
    assert meta['config'] == 'tests/data/tiny_tsn_liris.py'
    assert meta['collection'] == 'TSN'
    assert (meta['frames'], meta['input_size']) == (4, [32, 32])
    assert meta['params'] > 0 and meta['flops'] > 0
    assert meta['epochs'] == 2
    assert meta['machine'] == 'test machine'
    assert meta['train_seconds'] > 0
    checkpoint = (work_dir / 'last_checkpoint').read_text().strip()
    assert meta['checkpoint']['path'] == checkpoint
    assert meta['checkpoint']['sha256'] == hashlib.sha256(
        open(checkpoint, 'rb').read()).hexdigest()
    assert meta['commands'][0].startswith(
        'python tools/train.py tests/data/tiny_tsn_liris.py')
    # 8 clips in the training split, 4 in the test split (conftest)
    assert len(read_predictions(str(record / 'train.csv')).video_id) == 8
    assert len(read_predictions(str(record / 'test.csv')).video_id) == 4
    # the training curves, readable by plot_curves.py
    assert list(record.glob('*/vis_data/scalars.json'))


def test_render_is_reproducible_and_computed_from_the_records(
        recorded, tmp_path):
    _, runs_dir = recorded
    render(runs_dir, tmp_path / 'a')
    render(runs_dir, tmp_path / 'b')
    files = sorted(p.relative_to(tmp_path / 'a')
                   for p in (tmp_path / 'a').rglob('*') if p.is_file())
    assert [str(f) for f in files] == [
        'model-index.yml', 'model_zoo.md', 'tests/data/metafile.yml'
    ]
    for name in files:
        first = (tmp_path / 'a' / name).read_text()
        assert first == (tmp_path / 'b' / name).read_text()
    assert 'Up to date' in render(runs_dir, tmp_path / 'a', '--check').stdout

    predictions = read_predictions(str(runs_dir / 'tiny_tsn' / 'test.csv'))
    scores = regression_scores(predictions.pred[:, 1], predictions.true[:, 1],
                               predictions.variance[:, 1])
    markdown = (tmp_path / 'a' / 'model_zoo.md').read_text()
    row = next(line for line in markdown.splitlines()
               if line.startswith('| TSN tiny | arousal |'))
    assert f'{scores["mse"]:.4f} / {scores["pearson_r"]:.3f}' in row
    assert f'{scores["ccc"]:.3f}' in row
    assert '| ECO Lite | 0.939 | 0.109 | 0.182 | 0.963 |' in markdown
    meta = yaml.safe_load(
        (tmp_path / 'a' / 'tests/data/metafile.yml').read_text())
    model = meta['Models'][0]
    assert model['Config'] == 'tests/data/tiny_tsn_liris.py'
    assert model['In Collection'] == meta['Collections'][0]['Name'] == 'TSN'
    assert model['Results'][0]['Metrics']['arousal MSE (test)'] == round(
        scores['mse'], 4)
    index = yaml.safe_load((tmp_path / 'a' / 'model-index.yml').read_text())
    assert index == {'Import': ['tests/data/metafile.yml']}


def test_check_fails_when_a_record_changes(recorded, tmp_path):
    _, runs_dir = recorded
    copy = tmp_path / 'runs'
    shutil.copytree(runs_dir, copy)
    render(copy, tmp_path / 'out')
    csv_path = copy / 'tiny_tsn' / 'test.csv'
    lines = csv_path.read_text().splitlines()
    cells = lines[1].split(',')
    cells[4] = str(float(cells[4]) + 1.0)  # valence_pred of the first clip
    lines[1] = ','.join(cells)
    csv_path.write_text('\n'.join(lines) + '\n')
    proc = render(copy, tmp_path / 'out', '--check', check=False)
    assert proc.returncode != 0
    assert 'Out of date' in proc.stderr and 'model_zoo.md' in proc.stderr


def test_render_refuses_a_record_of_another_config(recorded, tmp_path):
    _, runs_dir = recorded
    copy = tmp_path / 'runs'
    shutil.copytree(runs_dir, copy)
    meta_path = copy / 'tiny_tsn' / 'run.json'
    meta = json.loads(meta_path.read_text())
    meta['config_digest'] = '0' * 64
    meta_path.write_text(json.dumps(meta))
    proc = render(copy, tmp_path / 'out', check=False)
    assert proc.returncode != 0
    assert 'tiny_tsn/run.json' in proc.stderr
    assert 'tests/data/tiny_tsn_liris.py has changed since the run' in \
        proc.stderr
    assert not (tmp_path / 'out').exists()


def test_record_refuses_a_work_dir_trained_otherwise(recorded, tiny_liris,
                                                     tmp_path):
    work_dir, _ = recorded
    other = tmp_path / 'work'
    shutil.copytree(work_dir, other)
    saved = other / 'tiny_tsn_liris.py'
    saved.write_text(saved.read_text().replace("lr=0.001", "lr=0.5"))
    proc = run(TOOL, 'record', CONFIG, str(other), '--data-root',
               str(tiny_liris), '--name', 'x', '--model', 'x', '--data-name',
               'x', '--data-command', 'x', '--runs-dir',
               str(tmp_path / 'runs'), check=False)
    assert proc.returncode != 0
    assert 'was trained with other settings than' in proc.stderr
    assert not (tmp_path / 'runs').exists()


def test_repo_model_zoo_is_what_the_tool_generates():
    """model_zoo.md, model-index.yml and the metafiles in the repo are
    exactly what ``render`` writes from model_zoo/runs."""
    proc = run(TOOL, 'render', '--check', check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    index = yaml.safe_load((REPO / 'model-index.yml').read_text())
    runs = sorted((REPO / 'model_zoo/runs').glob('*/run.json'))
    assert len(runs) >= 5
    names = set()
    for path in index['Import']:
        names |= {m['Name'] for m in yaml.safe_load(
            (REPO / path).read_text())['Models']}
    assert names == {p.parent.name for p in runs}
    for path in runs:
        meta = json.loads(path.read_text())
        assert np.isfinite(meta['train_seconds'])
