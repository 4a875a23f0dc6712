"""Tests of tools/model_zoo.py: records of a tiny run, the generated
model_zoo.md and metafiles, and the refusals."""
import hashlib
import json
import re
import shutil

import numpy as np
import pytest
import yaml
from mmengine.config import Config

from conftest import CONFIG, REPO, run
from emovid_mm.evaluation import (read_predictions, regression_scores,
                                  write_predictions)
from emovid_mm.evaluation.functional import film_bootstrap_ci
from emovid_mm.evaluation.metrics.emotion_regression_metric import format_ci

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
    # 4 test clips of 2 films: no film-level interval
    assert row.count('| n/a |') == 2 and row.endswith('| 4 / 2 |')
    assert 'test MSE / r (p, clips)' in markdown
    assert 'test r 95% CI (films)' in markdown
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


def test_render_computes_film_intervals_from_the_films_of_the_record(
        recorded, tmp_path):
    """Give each of the 4 test clips a film of its own (4 films): render
    shows the film bootstrap of the prediction file, and p by clips."""
    _, runs_dir = recorded
    copy = tmp_path / 'runs'
    shutil.copytree(runs_dir, copy)
    path = str(copy / 'tiny_tsn' / 'test.csv')
    predictions = read_predictions(path)
    predictions.film = [f'film_{i}' for i in range(4)]
    write_predictions(path, predictions)
    render(copy, tmp_path / 'out')
    markdown = (tmp_path / 'out' / 'model_zoo.md').read_text()
    for i, target in enumerate(predictions.targets):
        ci = film_bootstrap_ci(predictions.pred[:, i],
                               predictions.true[:, i], predictions.film)
        row = next(line for line in markdown.splitlines()
                   if line.startswith(f'| TSN tiny | {target} |'))
        cells = [c.strip() for c in row.strip('|').split('|')]
        assert cells[4] == format_ci(ci['pearson_r_ci_low'],
                                     ci['pearson_r_ci_high'])
        assert cells[6] == format_ci(ci['ccc_ci_low'], ci['ccc_ci_high'])
        assert cells[-1] == '4 / 4'
    assert '[' in cells[4]  # an interval, not n/a


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
    # the 32 test films of a published run: film-level intervals
    predictions = read_predictions(
        str(REPO / 'model_zoo/runs/eco_lite_synthetic/test.csv'))
    ci = film_bootstrap_ci(predictions.pred[:, 1], predictions.true[:, 1],
                           predictions.film)
    row = next(line for line in (REPO / 'model_zoo.md').read_text()
               .splitlines() if line.startswith('| ECO Lite | arousal |'))
    assert format_ci(ci['pearson_r_ci_low'], ci['pearson_r_ci_high']) in row
    assert row.endswith('| 64 / 32 |')


def test_readme_tsn_eco_table_states_each_recipe_and_the_records_scores():
    """Each row of the README's TSN vs ECO Lite table is a record: its
    epochs and augmentation as trained, its test clips / films, and r with
    the film-level interval as the record's prediction file gives them."""
    lines = (REPO / 'README.md').read_text().splitlines()
    start = lines.index('| data (test clips / films) | model | recipe | '
                        'valence r [95% CI] | arousal r [95% CI] |')
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith('|'):
            break
        rows.append([c.strip() for c in line.strip('|').split('|')])
    assert len(rows) >= 2
    runs = [json.loads(p.read_text())
            for p in (REPO / 'model_zoo/runs').glob('*/run.json')]
    for data, model, recipe, *cells in rows:
        assert len(cells) == 2  # valence, arousal
        match = re.fullmatch(r'(.+) \((\d+) / (\d+)\)', data)
        run_ = next(r for r in runs if r['model'] == model
                    and r['data']['name'].startswith(match[1] + ','))
        assert recipe.startswith(f'{run_["epochs"]} epochs'), recipe
        pipeline = Config.fromfile(str(
            REPO / run_['config'])).train_dataloader.dataset.pipeline
        augmented = any(t['type'] in ('RandomCrop', 'Flip')
                        for t in pipeline)
        assert ('no augmentation' not in recipe) == augmented, recipe
        predictions = read_predictions(
            str(REPO / 'model_zoo/runs' / run_['name'] / 'test.csv'))
        assert (int(match[2]), int(match[3])) == (
            len(predictions.film), len(set(predictions.film)))
        for i, cell in enumerate(cells):
            pred, true = predictions.pred[:, i], predictions.true[:, i]
            r = regression_scores(pred, true)['pearson_r']
            ci = film_bootstrap_ci(pred, true, predictions.film)
            assert cell == f'{r:.3f} ' + format_ci(
                ci['pearson_r_ci_low'], ci['pearson_r_ci_high']), cell
