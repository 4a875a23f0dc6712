"""Tests of .dev_scripts/model_zoo.py: a tiny run recorded by ``run``, the
generated model_zoo.md, config READMEs and metafiles, and the refusals."""
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

TOOL = '.dev_scripts/model_zoo.py'
#: The config folders of the repo, each with a generated README.md.
FOLDERS = sorted({
    p.parent.relative_to(REPO)
    for p in REPO.glob('configs/*/*.py') if p.parent.name != '_base_'
})


def zoo(command, runs_dir, out_dir, *args, check=True):
    return run(TOOL, command, '--runs-dir', str(runs_dir), '--out-dir',
               str(out_dir), *args, check=check)


def render(runs_dir, out_dir, *args, check=True):
    return zoo('render', runs_dir, out_dir, *args, check=check)


def runs_file(path, data_root):
    """A runs.yml of one group: the tiny config on data it makes."""
    path.write_text(yaml.safe_dump(dict(
        seed=0,
        groups=dict(tiny=dict(
            data=dict(
                name='tiny',
                root=str(data_root),
                command=f'python tools/data/make_synthetic_liris.py '
                f'--out-dir {data_root} --num-films 8 --clips-per-film 2 '
                '--min-duration 3 --max-duration 4 --height 32 --width 64'),
            runs=dict(tiny_tsn=dict(model="TSN tiny", config=CONFIG)))))))
    return path


@pytest.fixture(scope='module')
def recorded(trained, tmp_path_factory):
    """The tiny training run, copied into the work root of ``run``, which
    makes the data, finds the run finished, evaluates and records it."""
    root = tmp_path_factory.mktemp('zoo')
    work_dir = root / 'work' / 'tiny_tsn'
    shutil.copytree(trained[0], work_dir)
    runs_dir = root / 'runs'
    proc = zoo('run', runs_dir, root / 'out', 'tiny', '--runs-file',
               str(runs_file(root / 'runs.yml', root / 'data')),
               '--work-root', str(root / 'work'))
    assert 'Wrote 16 synthetic clips' in proc.stdout
    return work_dir, runs_dir, root


@pytest.mark.slow
def test_record_holds_the_run(recorded):
    work_dir, runs_dir, root = recorded
    record = runs_dir / 'tiny_tsn'
    meta = json.loads((record / 'run.json').read_text())
    assert meta['config'] == 'tests/data/tiny_tsn_liris.py'
    assert meta['collection'] == 'TSN'
    assert (meta['frames'], meta['input_size']) == (4, [32, 32])
    assert meta['params'] > 0 and meta['flops'] > 0
    assert meta['epochs'] == 2
    assert meta['data']['name'] == 'tiny'
    assert meta['data']['command'].startswith(
        'python tools/data/make_synthetic_liris.py')
    assert meta['train_seconds'] > 0
    checkpoint = (work_dir / 'last_checkpoint').read_text().strip()
    assert meta['checkpoint']['path'] == checkpoint
    assert meta['checkpoint']['sha256'] == hashlib.sha256(
        open(checkpoint, 'rb').read()).hexdigest()
    assert meta['commands'][0].startswith(
        'python tools/train.py tests/data/tiny_tsn_liris.py --data-root '
        f'{root / "data"} --work-dir {work_dir} --seed 0')
    assert [c.split(' --split ')[1].split()[0]
            for c in meta['commands'][1:]] == ['train', 'test']
    # 8 clips in the training split, 4 in the test split (conftest)
    assert len(read_predictions(str(record / 'train.csv')).video_id) == 8
    assert len(read_predictions(str(record / 'test.csv')).video_id) == 4
    # the training curves, readable by plot_curves.py
    assert list(record.glob('*/vis_data/scalars.json'))
    # run renders at the end
    assert (root / 'out' / 'model_zoo.md').is_file()


@pytest.mark.slow
def test_run_skips_recorded_runs(recorded, tmp_path):
    _, runs_dir, root = recorded
    proc = zoo('run', runs_dir, tmp_path / 'out', '--runs-file',
               str(root / 'runs.yml'), '--work-root', str(tmp_path))
    assert 'synthetic clips' not in proc.stdout
    assert 'Epoch(' not in proc.stdout
    assert not list(tmp_path.glob('tiny_tsn'))
    proc = zoo('run', runs_dir, tmp_path / 'out', 'nope', '--runs-file',
               str(root / 'runs.yml'), check=False)
    assert proc.returncode != 0 and "No group ['nope']" in proc.stderr


@pytest.mark.slow
def test_render_is_reproducible_and_computed_from_the_records(
        recorded, tmp_path):
    _, runs_dir, _ = recorded
    render(runs_dir, tmp_path / 'a')
    render(runs_dir, tmp_path / 'b')
    files = sorted(str(p.relative_to(tmp_path / 'a'))
                   for p in (tmp_path / 'a').rglob('*') if p.is_file())
    assert files == sorted([
        'model-index.yml', 'model_zoo.md', 'tests/data/metafile.yml',
        *(f'{folder}/README.md' for folder in FOLDERS)
    ])
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
    assert meta['Collections'][0]['README'] == 'model_zoo.md'
    assert model['Results'][0]['Metrics']['arousal MSE (test)'] == round(
        scores['mse'], 4)
    index = yaml.safe_load((tmp_path / 'a' / 'model-index.yml').read_text())
    assert index == {'Import': ['tests/data/metafile.yml']}
    # no record of the repo's configs here
    readme = (tmp_path / 'a' / 'configs/tsn/README.md').read_text()
    assert 'No run of these configs is recorded yet' in readme


@pytest.mark.slow
def test_render_computes_film_intervals_from_the_films_of_the_record(
        recorded, tmp_path):
    """Give each of the 4 test clips a film of its own (4 films): render
    shows the film bootstrap of the prediction file, and p by clips."""
    _, runs_dir, _ = recorded
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


@pytest.mark.slow
def test_check_fails_when_a_record_changes_or_a_file_is_left_over(
        recorded, tmp_path):
    _, runs_dir, _ = recorded
    copy = tmp_path / 'runs'
    shutil.copytree(runs_dir, copy)
    out = tmp_path / 'out'
    render(copy, out)
    csv_path = copy / 'tiny_tsn' / 'test.csv'
    lines = csv_path.read_text().splitlines()
    cells = lines[1].split(',')
    cells[4] = str(float(cells[4]) + 1.0)  # valence_pred of the first clip
    lines[1] = ','.join(cells)
    csv_path.write_text('\n'.join(lines) + '\n')
    gone = out / 'configs' / 'gone'
    gone.mkdir()
    (gone / 'README.md').write_text('of configs that are gone')
    proc = render(copy, out, '--check', check=False)
    assert proc.returncode != 0
    assert 'Out of date' in proc.stderr and 'model_zoo.md' in proc.stderr
    assert 'configs/gone/README.md' in proc.stderr
    assert (gone / 'README.md').exists()
    render(copy, out)
    assert not (gone / 'README.md').exists()
    assert 'Up to date' in render(copy, out, '--check').stdout


@pytest.mark.slow
def test_render_refuses_a_record_of_another_config(recorded, tmp_path):
    _, runs_dir, _ = recorded
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


@pytest.mark.slow
def test_run_refuses_a_work_dir_trained_otherwise(recorded, tiny_liris,
                                                  tmp_path):
    work_dir, _, _ = recorded
    other = tmp_path / 'work' / 'tiny_tsn'
    shutil.copytree(work_dir, other)
    saved = other / 'tiny_tsn_liris.py'
    saved.write_text(saved.read_text().replace('lr=0.001', 'lr=0.5'))
    proc = zoo('run', tmp_path / 'runs', tmp_path / 'out', '--runs-file',
               str(runs_file(tmp_path / 'runs.yml', tiny_liris)),
               '--work-root', str(tmp_path / 'work'), check=False)
    assert proc.returncode != 0
    assert 'was trained with other settings than' in proc.stderr
    assert not (tmp_path / 'runs').exists()


@pytest.mark.slow
def test_repo_model_zoo_is_what_the_tool_generates():
    """model_zoo.md, model-index.yml, and the READMEs and metafiles of the
    config folders in the repo are exactly what ``render`` writes from
    model_zoo/runs and the configs."""
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


def test_each_config_folder_has_a_readme_of_its_configs_and_records():
    """As MMAction2's configs/recognition/*/README.md: the paper, every
    config with its leading comment, the records' test scores, commands,
    the BibTeX entry."""
    runs = [json.loads(p.read_text())
            for p in (REPO / 'model_zoo/runs').glob('*/run.json')]
    assert {str(f) for f in FOLDERS} >= {
        'configs/c3d', 'configs/eco', 'configs/r2plus1d', 'configs/tsn'
    }
    for folder in FOLDERS:
        readme = (REPO / folder / 'README.md').read_text()
        assert re.search(r'^\[.+\]\(https://arxiv\.org/abs/', readme, re.M)
        for config in (REPO / folder).glob('*.py'):
            first = config.read_text().splitlines()[0].lstrip('# ')
            row = next(line for line in readme.splitlines()
                       if line.startswith(f'| [{config.name}]({config.name})'
                                          ' | '))
            assert first in row
        for r in runs:
            if r['config'].startswith(f'{folder}/'):
                assert f'[{r["name"]}](../../model_zoo/runs/{r["name"]}/' \
                    'run.json)' in readme
        assert f'python tools/train.py {folder}/' in readme
        assert f'python tools/test.py {folder}/' in readme
        assert re.search(r'```BibTeX\n@inproceedings\{.+\n```\n$', readme,
                         re.S)


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
