"""Two models compared on the same clips (tools/analysis/compare_predictions.py)."""
import numpy as np
import pytest

from conftest import REPO, run
from emovid_mm.analysis import compare_predictions
from emovid_mm.evaluation import Predictions, regression_scores


def predictions(pred, true, order=None):
    n = len(true)
    order = np.arange(n) if order is None else order
    return Predictions(
        targets=['valence'],
        video_id=np.arange(n)[order],
        name=[f'ACCEDE{i:05d}.mp4' for i in order],
        film=[f'film{i // 2}' for i in order],
        true=true[order, None],
        pred=pred[order, None],
        variance=np.full((n, 1), 0.1))


def rows(table):
    return [line.split(' | ') for line in table.splitlines()[2:]]


def test_scores_of_each_model_matched_by_clip_whatever_the_order():
    rng = np.random.default_rng(0)
    true = rng.normal(size=40)
    good, bad = true + rng.normal(0, 0.3, 40), rng.normal(size=40)
    table = compare_predictions(
        predictions(good, true),
        predictions(bad, true, order=rng.permutation(40)),
        labels=('good', 'bad'))
    (r_row, ccc_row) = rows(table)
    assert r_row[:2] == ['| valence', 'pearson_r']
    assert float(r_row[2]) == pytest.approx(
        regression_scores(good, true)['pearson_r'], abs=5e-4)
    assert float(r_row[3]) == pytest.approx(
        regression_scores(bad, true)['pearson_r'], abs=5e-4)
    low, high = map(float, r_row[5].strip('[]').split(', '))
    assert 0 < low < float(r_row[4]) < high
    assert r_row[6] == '0.0000 |'
    assert 'good - bad' in table.splitlines()[0]


def test_other_clips_are_refused():
    true = np.arange(6.)
    a = predictions(true, true)
    b = predictions(true[:5], true[:5])
    with pytest.raises(ValueError, match='same clips'):
        compare_predictions(a, b)


@pytest.mark.slow
def test_the_audio_visual_benchmark_figures_of_the_docs():
    """The command docs/audio_visual.md gives, on the recorded runs, prints
    the difference it quotes."""
    proc = run('tools/analysis/compare_predictions.py',
               'model_zoo/runs/eco_lite_audiocnn_synthetic_sound/test.csv',
               'model_zoo/runs/eco_lite_synthetic_sound/test.csv', '--labels',
               'frames+sound', 'frames')
    line = next(line for line in proc.stdout.splitlines()
                if line.startswith('| arousal | pearson_r'))
    assert line in (REPO / 'docs/audio_visual.md').read_text()
