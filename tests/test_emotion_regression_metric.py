"""Tests of ``EmotionRegressionMetric``, ``regression_scores`` and
``DumpEmotionResults``."""
import csv
import json
import math
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmaction.registry import METRICS
from mmaction.structures import ActionDataSample
from mmengine.hooks import CheckpointHook
from mmengine.logging import MessageHub, MMLogger
from scipy import stats

import emovid_mm  # noqa: F401  (registers the metrics)
from emovid_mm.evaluation import read_predictions, write_predictions
from emovid_mm.evaluation.metrics import (DumpEmotionResults,
                                          EmotionRegressionMetric,
                                          format_p_value, regression_scores)
from emovid_mm.evaluation.metrics.emotion_regression_metric import \
    format_table

TARGETS = ('valence', 'arousal')
SCORES = ('mse', 'rmse', 'pearson_r', 'pearson_p', 'ccc', 'spearman_rho')


def pearson_by_hand(x, y):
    """r from its definition, p from the t distribution with n - 2 dof."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    dx, dy = x - x.mean(), y - y.mean()
    r = (dx * dy).sum() / math.sqrt((dx**2).sum() * (dy**2).sum())
    n = len(x)
    t = r * math.sqrt((n - 2) / (1 - r**2))
    p = 2 * stats.t.sf(abs(t), n - 2)
    return r, p


def as_dict(pred, true):
    return dict(
        pred_values=torch.tensor(pred, dtype=torch.float32),
        gt_values=torch.tensor(true, dtype=torch.float32))


def make_metric(targets=TARGETS, **kwargs):
    metric = EmotionRegressionMetric(**kwargs)
    if targets is not None:
        metric.dataset_meta = dict(targets=targets)
    return metric


# ------------------------------------------------------ regression_scores


def test_regression_scores_hand_computed():
    pred = [1.0, 2.0, 3.0, 4.0]
    true = [1.0, 3.0, 2.0, 5.0]
    scores = regression_scores(np.array(pred), np.array(true))
    assert set(scores) == {
        'mse', 'rmse', 'pearson_r', 'pearson_p', 'ccc', 'spearman_rho'
    }
    # errors 0, -1, 1, -1
    assert scores['mse'] == pytest.approx(0.75)
    assert scores['rmse'] == pytest.approx(math.sqrt(0.75))
    # deviations (-1.5, -.5, .5, 1.5) and (-1.75, .25, -.75, 2.25):
    # cov sum 5.5, squares 5 and 8.75.
    r_hand = 5.5 / math.sqrt(5 * 8.75)
    assert scores['pearson_r'] == pytest.approx(r_hand)
    assert scores['pearson_r'] == pytest.approx(0.8315218406)
    r_ref, p_ref = stats.pearsonr(pred, true)
    assert scores['pearson_r'] == pytest.approx(r_ref)
    assert scores['pearson_p'] == pytest.approx(p_ref)
    assert scores['pearson_p'] == pytest.approx(pearson_by_hand(pred, true)[1])
    assert all(type(v) is float for v in scores.values())


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_regression_scores_match_scipy_on_random_data(seed):
    rng = np.random.default_rng(seed)
    true = rng.uniform(1, 5, 40)
    pred = 0.3 * true + rng.normal(0, 0.5, 40)
    scores = regression_scores(pred, true)
    assert scores['mse'] == pytest.approx(np.mean((pred - true)**2))
    assert scores['rmse'] == pytest.approx(
        np.sqrt(np.mean((pred - true)**2)))
    r_ref, p_ref = stats.pearsonr(pred, true)
    assert scores['pearson_r'] == pytest.approx(r_ref, abs=1e-12)
    assert scores['pearson_p'] == pytest.approx(p_ref, rel=1e-9)
    r_hand, p_hand = pearson_by_hand(pred, true)
    assert scores['pearson_r'] == pytest.approx(r_hand)
    assert scores['pearson_p'] == pytest.approx(p_hand, rel=1e-6)


def test_negative_correlation_is_two_sided():
    pred = [5.0, 4.0, 3.5, 1.0, 0.0]
    true = [1.0, 2.0, 2.0, 4.0, 4.5]
    scores = regression_scores(pred, true)
    r_ref, p_ref = stats.pearsonr(pred, true)
    assert scores['pearson_r'] < 0
    assert scores['pearson_r'] == pytest.approx(r_ref)
    # Two-sided: the same p as the mirrored, positive correlation.
    assert scores['pearson_p'] == pytest.approx(p_ref)
    mirrored = regression_scores(-np.array(pred), true)
    assert mirrored['pearson_p'] == pytest.approx(scores['pearson_p'])


@pytest.mark.parametrize('pred, true', [
    ([1.0, 2.0], [2.0, 1.0]),
    ([1.0], [3.0]),
])
def test_pearson_nan_with_fewer_than_three_samples(pred, true):
    scores = regression_scores(pred, true)
    assert math.isnan(scores['pearson_r'])
    assert math.isnan(scores['pearson_p'])
    expected = np.mean((np.array(pred) - np.array(true))**2)
    assert scores['mse'] == pytest.approx(expected)
    assert scores['rmse'] == pytest.approx(math.sqrt(expected))


@pytest.mark.parametrize('pred, true', [
    ([3.0, 3.0, 3.0, 3.0], [1.0, 2.0, 4.0, 5.0]),
    ([1.0, 2.0, 4.0, 5.0], [2.0, 2.0, 2.0, 2.0]),
])
def test_pearson_nan_with_constant_input_without_warning(pred, true):
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        scores = regression_scores(pred, true)
    assert math.isnan(scores['pearson_r'])
    assert math.isnan(scores['pearson_p'])
    expected = np.mean((np.array(pred) - np.array(true))**2)
    assert scores['mse'] == pytest.approx(expected)


def test_perfect_prediction():
    true = [1.0, 2.5, 4.0, 3.0]
    scores = regression_scores(true, true)
    assert scores['mse'] == 0.0
    assert scores['rmse'] == 0.0
    assert scores['pearson_r'] == pytest.approx(1.0)
    assert scores['pearson_p'] == pytest.approx(0.0, abs=1e-12)


def test_ccc_hand_computed():
    pred = [1.0, 2.0, 4.0, 3.0]
    true = [2.0, 2.0, 5.0, 3.0]
    # means 2.5 and 3.0; population variances 1.25 and 1.5;
    # covariance (1.5 + 0.5 + 3 + 0) / 4 = 1.25
    expected = 2 * 1.25 / (1.25 + 1.5 + 0.5**2)
    assert regression_scores(pred, true)['ccc'] == pytest.approx(expected)
    assert expected == pytest.approx(2.5 / 3)


def test_ccc_penalises_bias_and_scale_that_pearson_ignores():
    true = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert regression_scores(true, true)['ccc'] == pytest.approx(1.0)
    shifted = regression_scores(true + 1.0, true)
    assert shifted['pearson_r'] == pytest.approx(1.0)
    # 2 * 2 / (2 + 2 + 1)
    assert shifted['ccc'] == pytest.approx(0.8)
    scaled = regression_scores(2 * true - 3.0, true)
    assert scaled['pearson_r'] == pytest.approx(1.0)
    # covariance 4, variances 8 and 2, mean difference 0
    assert scaled['ccc'] == pytest.approx(0.8)
    assert regression_scores(-true, true)['ccc'] < 0


def test_spearman_hand_computed_and_against_scipy():
    pred = [0.1, 0.4, 0.3, 0.9, 0.5]
    true = [1.0, 2.0, 3.0, 4.0, 5.0]
    # ranks of pred 1, 3, 2, 5, 4: d = 0, 1, -1, 1, -1
    expected = 1 - 6 * 4 / (5 * (5**2 - 1))
    rho = regression_scores(pred, true)['spearman_rho']
    assert rho == pytest.approx(expected)
    assert rho == pytest.approx(stats.spearmanr(pred, true)[0])
    # monotone, not linear: rho 1, r below 1
    cubic = regression_scores(np.array(true)**3, true)
    assert cubic['spearman_rho'] == pytest.approx(1.0)
    assert cubic['pearson_r'] < 0.99


@pytest.mark.parametrize('seed', [0, 1])
def test_ccc_and_spearman_match_references_on_random_data(seed):
    rng = np.random.default_rng(seed)
    true = rng.uniform(1, 5, 50)
    pred = 0.7 * true + rng.normal(0.3, 0.5, 50)
    scores = regression_scores(pred, true)
    assert scores['spearman_rho'] == pytest.approx(
        stats.spearmanr(pred, true).statistic, abs=1e-12)
    # CCC = 2 r sx sy / (sx^2 + sy^2 + (mx - my)^2), population moments
    r = stats.pearsonr(pred, true)[0]
    sx, sy = pred.std(), true.std()
    expected = 2 * r * sx * sy / (sx**2 + sy**2 + (pred.mean() - true.mean())**2)
    assert scores['ccc'] == pytest.approx(expected, abs=1e-12)


def test_within_std_counts_predictions_inside_the_band():
    true = [2.0, 3.0, 4.0, 5.0]
    variance = [0.25, 1.0, 0.04, 4.0]  # std 0.5, 1, 0.2, 2
    pred = [2.4, 4.5, 4.1, 2.0]  # errors 0.4, 1.5, 0.1, 3
    scores = regression_scores(pred, true, variance)
    assert scores['within_std'] == pytest.approx(2 / 4)
    assert 'within_std' not in regression_scores(pred, true)


def test_undefined_correlations_are_nan():
    scores = regression_scores([3.0, 3.0, 3.0], [1.0, 2.0, 3.0])
    assert math.isnan(scores['ccc'])
    assert math.isnan(scores['spearman_rho'])


# -------------------------------------------------- EmotionRegressionMetric

# 6 samples, 2 targets.
PRED = [[1.0, 4.0], [2.0, 3.0], [3.0, 3.5], [4.0, 1.0], [2.5, 2.0],
        [1.5, 5.0]]
TRUE = [[1.0, 5.0], [3.0, 2.0], [2.0, 3.0], [5.0, 2.0], [2.0, 2.5],
        [1.0, 4.0]]


def test_registered_in_mmaction_metrics():
    assert METRICS.get('EmotionRegressionMetric') is EmotionRegressionMetric
    assert METRICS.get('DumpEmotionResults') is DumpEmotionResults
    metric = METRICS.build(dict(type='EmotionRegressionMetric'))
    assert isinstance(metric, EmotionRegressionMetric)


def test_compute_metrics_keys_and_values():
    metric = make_metric()
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED, TRUE)])
    metrics = metric.compute_metrics(metric.results)
    expected_keys = {
        f'{t}/{s}'
        for t in TARGETS for s in SCORES
    } | {'mean/mse', 'mean/rmse', 'mean/pearson_r', 'mean/ccc'}
    assert set(metrics) == expected_keys
    pred, true = np.array(PRED), np.array(TRUE)
    for i, name in enumerate(TARGETS):
        mse = np.mean((pred[:, i] - true[:, i])**2)
        r, p = stats.pearsonr(pred[:, i], true[:, i])
        assert metrics[f'{name}/mse'] == pytest.approx(mse)
        assert metrics[f'{name}/rmse'] == pytest.approx(math.sqrt(mse))
        assert metrics[f'{name}/pearson_r'] == pytest.approx(r)
        assert metrics[f'{name}/pearson_p'] == pytest.approx(p)
    # Hand-computed valence MSE: errors 0, -1, 1, -1, .5, .5 -> 3.5 / 6
    assert metrics['valence/mse'] == pytest.approx(3.5 / 6)
    # arousal: errors -1, 1, .5, -1, -.5, 1 -> 4.5 / 6
    assert metrics['arousal/mse'] == pytest.approx(4.5 / 6)
    assert metrics['mean/mse'] == pytest.approx((3.5 / 6 + 4.5 / 6) / 2)
    for key in ('mse', 'rmse', 'pearson_r', 'ccc'):
        assert metrics[f'mean/{key}'] == pytest.approx(
            (metrics[f'valence/{key}'] + metrics[f'arousal/{key}']) / 2)


def test_single_target_mean_keys_equal_the_target():
    """One checkpoint rule (``save_best='mean/pearson_r'``) fits every
    config, single-target ones included."""
    metric = make_metric(targets=('arousal', ))
    metric.process({}, [as_dict([p[1]], [t[1]]) for p, t in zip(PRED, TRUE)])
    metrics = metric.compute_metrics(metric.results)
    assert set(metrics) == {f'arousal/{s}' for s in SCORES} | {
        'mean/mse', 'mean/rmse', 'mean/pearson_r', 'mean/ccc'
    }
    assert metrics['arousal/mse'] == pytest.approx(4.5 / 6)
    for key in ('mse', 'rmse', 'pearson_r', 'ccc'):
        assert metrics[f'mean/{key}'] == metrics[f'arousal/{key}']


def test_target_names_default_without_dataset_meta():
    metric = make_metric(targets=None)
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED, TRUE)])
    metrics = metric.compute_metrics(metric.results)
    assert metrics['target0/mse'] == pytest.approx(3.5 / 6)
    assert metrics['target1/mse'] == pytest.approx(4.5 / 6)


def test_scores_over_all_samples_not_averaged_per_batch():
    rng = np.random.default_rng(7)
    true = rng.uniform(1, 5, (10, 2))
    pred = true + rng.normal(0, 1.0, (10, 2))
    sizes = [3, 5, 2]
    metric = make_metric()
    start = 0
    batch_r = []
    for size in sizes:
        stop = start + size
        metric.process({}, [
            as_dict(p, t) for p, t in zip(pred[start:stop], true[start:stop])
        ])
        if size >= 3:
            batch_r.append(stats.pearsonr(pred[start:stop, 0],
                                          true[start:stop, 0])[0])
        start = stop
    assert len(metric.results) == 10
    metrics = metric.compute_metrics(metric.results)
    # float32 round trip through the tensors
    pred32 = pred.astype(np.float32).astype(np.float64)
    true32 = true.astype(np.float32).astype(np.float64)
    for i, name in enumerate(TARGETS):
        r, p = stats.pearsonr(pred32[:, i], true32[:, i])
        assert metrics[f'{name}/pearson_r'] == pytest.approx(r, abs=1e-9)
        assert metrics[f'{name}/pearson_p'] == pytest.approx(p, rel=1e-6)
        assert metrics[f'{name}/mse'] == pytest.approx(
            np.mean((pred32[:, i] - true32[:, i])**2))
    assert abs(metrics['valence/pearson_r'] - np.mean(batch_r)) > 1e-3


def test_evaluate_in_a_single_process_and_clears_results():
    metric = make_metric()
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED[:4], TRUE[:4])])
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED[4:], TRUE[4:])])
    metrics = metric.evaluate(6)
    assert metrics['valence/mse'] == pytest.approx(3.5 / 6)
    assert metrics['arousal/pearson_r'] == pytest.approx(
        stats.pearsonr(np.array(PRED)[:, 1], np.array(TRUE)[:, 1])[0])
    assert metric.results == []


def test_prefix_is_prepended_by_evaluate():
    metric = make_metric(prefix='val')
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED, TRUE)])
    metrics = metric.evaluate(6)
    assert metrics['val/valence/mse'] == pytest.approx(3.5 / 6)
    assert 'val/mean/pearson_r' in metrics


def test_process_accepts_samples_from_the_head():
    """Samples as MMEngine's evaluator passes them: ``to_dict()`` of the
    ``ActionDataSample`` the model returned."""
    samples = []
    for p, t in zip(PRED, TRUE):
        sample = ActionDataSample()
        sample.set_field(torch.tensor(t), 'gt_values')
        sample.set_field(torch.tensor(p), 'pred_values')
        samples.append(sample.to_dict())
    metric = make_metric()
    metric.process({}, samples)
    metrics = metric.evaluate(len(samples))
    assert metrics['valence/mse'] == pytest.approx(3.5 / 6)


def test_within_std_from_the_samples_variances():
    variance = [[0.25, 4.0]] * len(PRED)  # std 0.5 and 2
    samples = [
        dict(as_dict(p, t), gt_variances=torch.tensor(v))
        for p, t, v in zip(PRED, TRUE, variance)
    ]
    metric = make_metric()
    metric.process({}, samples)
    metrics = metric.evaluate(len(samples))
    # valence errors 0, 1, 1, 1, .5, .5: three within 0.5
    assert metrics['valence/within_std'] == pytest.approx(3 / 6)
    # arousal errors all within 2
    assert metrics['arousal/within_std'] == pytest.approx(1.0)
    assert 'within std' in format_table(metrics, TARGETS, 6)


def test_constant_predictions_give_nan_r_without_crash():
    metric = make_metric()
    metric.process({}, [as_dict([3.0, p[1]], t) for p, t in zip(PRED, TRUE)])
    metrics = metric.evaluate(len(PRED))
    assert math.isnan(metrics['valence/pearson_r'])
    assert math.isnan(metrics['valence/pearson_p'])
    assert math.isnan(metrics['mean/pearson_r'])
    true_v = np.array(TRUE)[:, 0]
    assert metrics['valence/mse'] == pytest.approx(np.mean((3.0 - true_v)**2))
    assert metrics['arousal/pearson_r'] == pytest.approx(
        stats.pearsonr(np.array(PRED)[:, 1], np.array(TRUE)[:, 1])[0])


@pytest.mark.parametrize('targets', [('valence', ),
                                     ('valence', 'arousal', 'dominance')])
def test_targets_mismatch_raises_value_error(targets):
    metric = make_metric(targets=targets)
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED, TRUE)])
    with pytest.raises(ValueError, match='targets'):
        metric.compute_metrics(metric.results)


def test_format_table_lists_each_target():
    metric = make_metric()
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED, TRUE)])
    metrics = metric.compute_metrics(metric.results)
    table = format_table(metrics, TARGETS, 6)
    lines = table.splitlines()
    assert len(lines) == 4  # header, rule, two targets
    assert lines[2].split(' | ')[0].strip() == 'valence'
    assert f'{3.5 / 6:.4f}' in lines[2]
    assert f'{4.5 / 6:.4f}' in lines[3]
    assert lines[2].split(' | ')[-1].strip() == '6'


def test_a_p_value_that_underflowed_reads_as_a_bound():
    # scipy returns p = 0 for r near 1 over hundreds of clips.
    assert stats.pearsonr(np.arange(400.), np.arange(400.) ** 1.01)[1] == 0
    assert format_p_value(0.0) == '< 1e-300'
    assert format_p_value(2.5e-182, '.1e') == '2.5e-182'
    metrics = {'valence/mse': 0.0, 'valence/pearson_p': 0.0}
    assert '< 1e-300' in format_table(metrics, ['valence'], 400)


# ------------------------------------------------- use with CheckpointHook


def run_save_best(tmp_path, hook, epoch_metrics):
    """Feed ``after_val_epoch`` the metrics of several epochs, return the
    epochs whose checkpoint was saved as the best."""
    saved = []
    runner = SimpleNamespace(
        work_dir=str(tmp_path),
        logger=MMLogger.get_current_instance(),
        message_hub=MessageHub.get_instance(f'save_best_{id(hook)}'),
        epoch=0,
        iter=0)
    runner.save_checkpoint = lambda *args, **kwargs: saved.append(
        (runner.epoch, kwargs['filename']))
    hook.before_train(runner)
    for epoch, metrics in enumerate(epoch_metrics, start=1):
        runner.epoch = epoch
        hook.after_val_epoch(runner, metrics)
    return saved


def epoch_scores(offsets):
    """Metrics of epochs whose valence predictions get noisier."""
    rng = np.random.default_rng(0)
    true = rng.uniform(1, 5, (12, 2))
    noise = rng.normal(0, 1, (12, 2))
    out = []
    for scale in offsets:
        metric = make_metric()
        pred = true + scale * noise
        metric.process({}, [as_dict(p, t) for p, t in zip(pred, true)])
        out.append(metric.evaluate(12))
    return out


def test_checkpoint_hook_save_best_mean_pearson_r(tmp_path):
    hook = CheckpointHook(
        interval=1, save_best='mean/pearson_r', rule='greater')
    metrics = epoch_scores([2.0, 0.5, 1.0, 0.2])
    r = [m['mean/pearson_r'] for m in metrics]
    assert r[1] > r[0] and r[2] < r[1] and r[3] > r[1]
    saved = run_save_best(tmp_path, hook, metrics)
    assert [e for e, _ in saved] == [1, 2, 4]
    assert saved[-1][1] == 'best_mean_pearson_r_epoch_4.pth'


def test_checkpoint_hook_save_best_valence_mse(tmp_path):
    hook = CheckpointHook(interval=1, save_best='valence/mse', rule='less')
    metrics = epoch_scores([2.0, 0.5, 1.0, 0.2])
    saved = run_save_best(tmp_path, hook, metrics)
    assert [e for e, _ in saved] == [1, 2, 4]
    assert saved[-1][1] == 'best_valence_mse_epoch_4.pth'


# ------------------------------------------------------ DumpEmotionResults

DUMP_SAMPLES = [
    dict(video_id=7, name='ACCEDE00007.mp4', film='After_The_Rain',
         gt_values=torch.tensor([2.25, 3.5]),
         pred_values=torch.tensor([2.4000000953674316, 3.125]),
         gt_variances=torch.tensor([0.125, 0.0625])),
    dict(video_id=12, name='ACCEDE00012.mp4', film='Big_Buck_Bunny',
         gt_values=torch.tensor([4.0, 1.75]),
         pred_values=torch.tensor([3.3333332538604736, 2.0]),
         gt_variances=torch.tensor([0.5, 0.25])),
    dict(video_id=3, name='ACCEDE00003.mp4', film='Sintel, part "2"',
         gt_values=torch.tensor([1.5, 4.5]),
         pred_values=torch.tensor([-0.1, 5.2]),
         gt_variances=torch.tensor([0.0, 1.0])),
]
COLUMNS = [
    'video_id', 'name', 'film', 'valence_true', 'valence_pred',
    'valence_variance', 'arousal_true', 'arousal_pred', 'arousal_variance'
]


def dump(path, samples=DUMP_SAMPLES, targets=TARGETS):
    metric = DumpEmotionResults(str(path))
    if targets is not None:
        metric.dataset_meta = dict(targets=targets)
    metric.process({}, samples[:2])
    metric.process({}, samples[2:])
    return metric.evaluate(len(samples))


def expected_row(sample, targets=TARGETS):
    row = dict(
        video_id=sample['video_id'], name=sample['name'],
        film=sample['film'])
    for i, t in enumerate(targets):
        row[f'{t}_true'] = sample['gt_values'][i].item()
        row[f'{t}_pred'] = sample['pred_values'][i].item()
        row[f'{t}_variance'] = sample['gt_variances'][i].item()
    return row


def test_dump_csv_round_trips(tmp_path):
    path = tmp_path / 'preds.csv'
    assert dump(path) == {}
    with open(path, newline='') as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    assert len(rows) == len(DUMP_SAMPLES)
    for row, sample in zip(rows, DUMP_SAMPLES):
        exp = expected_row(sample)
        assert int(row['video_id']) == exp['video_id']
        assert row['name'] == exp['name']
        assert row['film'] == exp['film']
        for key in COLUMNS[3:]:
            assert float(row[key]) == exp[key], key
    # Spot check by hand.
    assert rows[1]['video_id'] == '12'
    assert float(rows[1]['arousal_variance']) == 0.25
    assert float(rows[0]['valence_true']) == 2.25


def test_dump_csv_loads_with_numpy(tmp_path):
    path = tmp_path / 'preds.csv'
    dump(path, samples=[
        dict(s, film=f'film{i}') for i, s in enumerate(DUMP_SAMPLES)
    ])
    data = np.genfromtxt(path, delimiter=',', names=True, dtype=None,
                         encoding='utf-8')
    assert list(data.dtype.names) == COLUMNS
    assert data['video_id'].tolist() == [7, 12, 3]
    np.testing.assert_allclose(data['valence_pred'],
                               [2.4000000953674316, 3.3333332538604736,
                                -0.1], rtol=1e-6)
    np.testing.assert_allclose(data['arousal_true'], [3.5, 1.75, 4.5])


def test_dump_json_round_trips(tmp_path):
    path = tmp_path / 'sub' / 'dir' / 'preds.json'
    dump(path)
    with open(path) as f:
        records = json.load(f)
    assert [list(r) for r in records] == [COLUMNS] * 3
    assert records == [expected_row(s) for s in DUMP_SAMPLES]


def test_dump_default_names_and_missing_name_film(tmp_path):
    path = tmp_path / 'preds.json'
    samples = [{
        k: v
        for k, v in s.items() if k not in ('name', 'film')
    } for s in DUMP_SAMPLES]
    dump(path, samples=samples, targets=None)
    with open(path) as f:
        records = json.load(f)
    assert records[0]['name'] == '' and records[0]['film'] == ''
    assert records[2]['target0_pred'] == pytest.approx(-0.1)
    assert records[2]['target1_variance'] == 1.0


@pytest.mark.parametrize(
    'name', ['preds.txt', 'preds.csv.bak', 'preds', 'preds.pkl', 'csv'])
def test_dump_bad_suffix_raises_value_error(tmp_path, name):
    with pytest.raises(ValueError, match=r'\.csv or \.json'):
        DumpEmotionResults(str(tmp_path / name))


# ------------------------------------------------- read/write_predictions


@pytest.mark.parametrize('suffix', ['.csv', '.json'])
def test_read_predictions_round_trips_the_dump(tmp_path, suffix):
    path = str(tmp_path / f'preds{suffix}')
    dump(path)
    predictions = read_predictions(path)
    assert predictions.targets == list(TARGETS)
    assert predictions.video_id.tolist() == [7, 12, 3]
    assert predictions.film == [s['film'] for s in DUMP_SAMPLES]
    assert predictions.name == [s['name'] for s in DUMP_SAMPLES]
    for field, key in (('true', 'gt_values'), ('pred', 'pred_values'),
                       ('variance', 'gt_variances')):
        np.testing.assert_array_equal(
            getattr(predictions, field),
            np.stack([s[key].numpy() for s in DUMP_SAMPLES]))
    again = str(tmp_path / f'again{suffix}')
    write_predictions(again, predictions)
    with open(path) as f, open(again) as g:
        assert f.read() == g.read()


def test_read_predictions_single_target(tmp_path):
    path = str(tmp_path / 'preds.csv')
    samples = [
        dict(s, gt_values=s['gt_values'][1:], pred_values=s['pred_values'][1:],
             gt_variances=s['gt_variances'][1:]) for s in DUMP_SAMPLES
    ]
    dump(path, samples=samples, targets=('arousal', ))
    predictions = read_predictions(path)
    assert predictions.targets == ['arousal']
    assert predictions.pred.shape == (3, 1)
    assert predictions.pred[1, 0] == 2.0


def test_read_predictions_names_the_bad_value(tmp_path):
    path = tmp_path / 'preds.csv'
    dump(path)
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace('3.3333332538604736', 'n/a')
    path.write_text('\n'.join(lines) + '\n')
    with pytest.raises(ValueError, match=r"preds\.csv, row 2 .*line 3.*"
                      r"valence_pred='n/a'"):
        read_predictions(str(path))


def test_read_predictions_refuses_other_tables(tmp_path):
    path = tmp_path / 'other.csv'
    path.write_text('video_id,valence_true,valence_pred\n1,2.0,3.0\n')
    with pytest.raises(ValueError, match=r'other\.csv is not a prediction '
                      r"file.*'name', 'film', 'valence_variance'"):
        read_predictions(str(path))
