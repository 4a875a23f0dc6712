"""The prediction scatter and training curves plots and their tools,
tools/analysis/plot_predictions.py and plot_curves.py, on a tiny run."""

import numpy as np
import pytest
from PIL import Image

from conftest import CONFIG, run
from emovid_mm.evaluation import read_predictions, regression_scores
from emovid_mm.visualization import plot_prediction_scatter

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def dump(trained, tiny_liris, tmp_path_factory):
    """Predictions of the tiny run on its training split."""
    path = tmp_path_factory.mktemp('dump') / 'tiny_train.csv'
    work_dir = trained[0]
    run('tools/test.py', CONFIG, str(work_dir / 'epoch_2.pth'), '--data-root',
        str(tiny_liris), '--split', 'train', '--dump', str(path),
        '--work-dir', str(path.parent / 'test'))
    return path


def assert_drawn(path):
    """A PNG with more than a blank canvas."""
    pixels = np.asarray(Image.open(path).convert('L'))
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels.min() < 100 and pixels.std() > 10


def test_plot_predictions_cli_writes_png_and_pdf(dump, tmp_path):
    proc = run('tools/analysis/plot_predictions.py', str(dump), str(dump),
               '--labels', 'tiny, train', 'again', '--out-dir',
               str(tmp_path))
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        'again_arousal.pdf', 'again_arousal.png', 'again_valence.pdf',
        'again_valence.png', 'tiny_train_arousal.pdf',
        'tiny_train_arousal.png', 'tiny_train_valence.pdf',
        'tiny_train_valence.png'
    ]
    assert len(proc.stdout.split()) == 8
    for name in written:
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / 'tiny_train_valence.pdf').read_bytes()[:4] == b'%PDF'
    assert_drawn(tmp_path / 'tiny_train_arousal.png')


def test_plot_predictions_title_has_the_scores(dump):
    predictions = read_predictions(str(dump))
    fig = plot_prediction_scatter(predictions, 0, 'tiny')
    title = fig.axes[0].get_title()
    scores = regression_scores(predictions.pred[:, 0], predictions.true[:, 0])
    assert title.startswith('tiny: valence, N = 8')
    assert f'r = {scores["pearson_r"]:.3f}' in title
    assert f'MSE = {scores["mse"]:.4f}' in title
    # the band is the truth +- sqrt(variance), sorted by truth
    band = fig.axes[0].collections[0].get_paths()[0].vertices
    order = np.argsort(predictions.true[:, 0], kind='stable')
    upper = (predictions.true[:, 0] +
             np.sqrt(predictions.variance[:, 0]))[order]
    assert np.isclose(band[:, 1], upper.max()).any()


def test_plot_predictions_rejects_a_label_count_mismatch(dump, tmp_path):
    proc = run('tools/analysis/plot_predictions.py', str(dump), '--labels',
               'a', 'b', '--out-dir', str(tmp_path), check=False)
    assert proc.returncode != 0
    assert 'Got 2 labels for 1 files' in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_plot_curves_rejects_a_label_count_mismatch(trained, tmp_path):
    proc = run('tools/analysis/plot_curves.py', str(trained[0]), '--labels',
               'a', 'b', '--out', str(tmp_path / 'c.png'), check=False)
    assert proc.returncode == 2
    assert 'Got 2 labels for 1 runs' in proc.stderr


def test_plot_curves_cli_overlays_runs(trained, tmp_path):
    out = tmp_path / 'curves.png'
    scalars = next(trained[0].glob('*/vis_data/scalars.json'))
    run('tools/analysis/plot_curves.py', str(trained[0]), str(scalars),
        '--labels', 'work dir', 'file', '--keys', 'loss', 'mean/mse',
        'arousal/pearson_r', '--out', str(out))
    assert_drawn(out)


def test_plot_curves_names_a_missing_key(trained, tmp_path):
    proc = run('tools/analysis/plot_curves.py', str(trained[0]), '--keys',
               'no/such_key', '--out', str(tmp_path / 'c.png'), check=False)
    assert proc.returncode != 0
    assert "has no 'no/such_key'" in proc.stderr
