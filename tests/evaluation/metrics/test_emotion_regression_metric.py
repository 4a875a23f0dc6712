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
from emovid_mm.evaluation.functional import film_bootstrap_ci
from emovid_mm.evaluation.metrics import (DumpEmotionResults,
                                          EmotionRegressionMetric,
                                          format_p_value, regression_scores)
from emovid_mm.evaluation.metrics.emotion_regression_metric import (
    format_ci, format_table)

TARGETS = ('valence', 'arousal')
SCORES = ('mse', 'rmse', 'pearson_r', 'pearson_p', 'ccc', 'spearman_rho',
          'pearson_r_ci_low', 'pearson_r_ci_high', 'ccc_ci_low',
          'ccc_ci_high')


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


def as_dict(pred, true, film=None):
    sample = dict(
        pred_values=torch.tensor(pred, dtype=torch.float32),
        gt_values=torch.tensor(true, dtype=torch.float32))
    if film is not None:
        sample['film'] = film
    return sample


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
    assert math.isnan(scores['spearman_rho'])
    assert math.isnan(scores['pearson_r'])


@pytest.mark.parametrize('constant', [2.0, 0.1, 7.3])
def test_ccc_of_a_constant_prediction_is_zero(constant):
    """cov = 0 and the truth's variance > 0: CCC = 0, not NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        scores = regression_scores([constant] * 5, [1.0, 2.0, 3.0, 4.0, 4.5])
    assert scores['ccc'] == 0.0
    # a constant truth and varying predictions: also no agreement
    assert regression_scores([1.0, 2.0, 3.0], [0.1] * 3)['ccc'] == 0.0


def test_ccc_undefined_only_when_prediction_and_truth_are_one_constant():
    assert math.isnan(regression_scores([2.5] * 4, [2.5] * 4)['ccc'])
    # two different constants: 2 * 0 / (0 + 0 + 1)
    assert regression_scores([2.0] * 4, [3.0] * 4)['ccc'] == 0.0


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
    # the samples carry no film: no film-level interval
    assert all(math.isnan(metrics[f'{t}/{s}']) for t in TARGETS
               for s in SCORES if '_ci_' in s)
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
    # the CCC of a constant prediction is 0, so the mean CCC is defined
    assert metrics['valence/ccc'] == 0.0
    assert metrics['mean/ccc'] == pytest.approx(metrics['arousal/ccc'] / 2)
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
    assert lines[2].split(' | ')[-2].strip() == 'n/a'  # films unknown


def test_format_table_labels_p_by_clips_and_intervals_by_films():
    metrics = {
        'valence/pearson_r': 0.9,
        'valence/pearson_r_ci_low': -0.1234,
        'valence/pearson_r_ci_high': 0.95,
        'valence/pearson_p': 5.18e-12,
        'valence/ccc': 0.8,
        'valence/ccc_ci_low': math.nan,
        'valence/ccc_ci_high': math.nan,
    }
    header, _, row = format_table(metrics, ['valence'], 32, 4,
                                  0.9).splitlines()
    cells = dict(zip((c.strip() for c in header.split(' | ')),
                     (c.strip() for c in row.split(' | '))))
    assert cells == {
        'target': 'valence',
        'Pearson r': '0.9000',
        'r 90% CI (films)': '[-0.123, 0.950]',
        'p (clips)': '5.18e-12',
        'CCC': '0.8000',
        'CCC 90% CI (films)': 'n/a',
        'films': '4',
        'N': '32'
    }
    assert format_ci(0.1, 0.25) == '[0.100, 0.250]'


def test_a_p_value_that_underflowed_reads_as_a_bound():
    # scipy returns p = 0 for r near 1 over hundreds of clips.
    assert stats.pearsonr(np.arange(400.), np.arange(400.) ** 1.01)[1] == 0
    assert format_p_value(0.0) == '< 1e-300'
    assert format_p_value(2.5e-182, '.1e') == '2.5e-182'
    metrics = {'valence/mse': 0.0, 'valence/pearson_p': 0.0}
    assert '< 1e-300' in format_table(metrics, ['valence'], 400)


# ---------------------------------------- film-level confidence intervals


def pooled_bootstrap(pred, true, films, num_resamples, level, seed):
    """The film bootstrap by hand: for each resample, pool the clips of the
    drawn films (a film drawn k times counts k times) and score them with
    :func:`regression_scores`; films in sorted order, drawn as film counts
    from a multinomial of the seeded generator."""
    names = sorted(set(films))
    counts = np.random.default_rng(seed).multinomial(
        len(names), [1 / len(names)] * len(names), size=num_resamples)
    clips = [np.flatnonzero(np.array(films) == name) for name in names]
    resampled = {'pearson_r': [], 'ccc': []}
    for draw in counts:
        index = np.concatenate(
            [np.tile(c, k) for c, k in zip(clips, draw)])
        scores = regression_scores(pred[index], true[index])
        for key, values in resampled.items():
            values.append(scores[key])
    out = {}
    tail = 50 * (1 - level)
    for key, values in resampled.items():
        values = np.array(values)
        values = values[~np.isnan(values)]
        out[f'{key}_ci_low'], out[f'{key}_ci_high'] = np.percentile(
            values, [tail, 100 - tail]) if len(values) else (math.nan, ) * 2
    return out


def clustered(clips_per_film=(3, 5, 2, 4, 6), seed=0):
    """Clips of a few films whose truth and predictions share a film mood."""
    rng = np.random.default_rng(seed)
    films, pred, true = [], [], []
    for i, n in enumerate(clips_per_film):
        mood = rng.normal(3, 1)
        films += [f'film_{i}'] * n
        true.append(mood + rng.normal(0, 0.3, n))
        pred.append(0.5 * mood + rng.normal(1.5, 0.3, n))
    return np.concatenate(pred), np.concatenate(true), films


@pytest.mark.parametrize('clips_per_film', [(3, 5, 2, 4, 6), (3, 2, 4)])
def test_film_bootstrap_equals_pooling_the_clips_of_drawn_films(
        clips_per_film):
    pred, true, films = clustered(clips_per_film)
    # film_1 predicted constant: resamples of it alone (1 in 27 with 3
    # films) have no r
    pred[films.index('film_1'):][:2] = 2.0
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ci = film_bootstrap_ci(pred, true, films, 500, 0.9, seed=3)
    expected = pooled_bootstrap(pred, true, films, 500, 0.9, 3)
    assert set(ci) == set(expected)
    for key in ci:
        assert ci[key] == pytest.approx(expected[key], abs=1e-9), key
    assert ci['pearson_r_ci_low'] < ci['pearson_r_ci_high']


def test_film_bootstrap_with_one_clip_per_film_is_scipys_bootstrap():
    rng = np.random.default_rng(1)
    true = rng.uniform(1, 5, 60)
    pred = 0.6 * true + rng.normal(1, 0.6, 60)
    ci = film_bootstrap_ci(pred, true, [f'f{i}' for i in range(60)])

    def pearson(x, y, axis=-1):
        dx = x - x.mean(axis, keepdims=True)
        dy = y - y.mean(axis, keepdims=True)
        return (dx * dy).sum(axis) / np.sqrt(
            (dx**2).sum(axis) * (dy**2).sum(axis))

    reference = stats.bootstrap((pred, true), pearson, paired=True,
                                vectorized=True, n_resamples=10000,
                                method='percentile', random_state=0)
    # other draws of the same resampling scheme
    assert ci['pearson_r_ci_low'] == pytest.approx(
        reference.confidence_interval.low, abs=0.02)
    assert ci['pearson_r_ci_high'] == pytest.approx(
        reference.confidence_interval.high, abs=0.02)


def test_clips_of_few_films_are_not_independent_evidence():
    """8 clips each of 4 films whose moods agree in part: the clip-level p
    is tiny, but the 4 films alone leave r anywhere from negative to 1."""
    rng = np.random.default_rng(0)
    films = np.repeat(['a', 'b', 'c', 'd'], 8).tolist()
    pred = np.repeat([1.0, 2.0, 3.0, 4.0], 8) + rng.normal(0, 0.1, 32)
    true = np.repeat([1.0, 3.0, 2.0, 4.0], 8) + rng.normal(0, 0.1, 32)
    scores = regression_scores(pred, true)
    assert scores['pearson_p'] < 1e-6
    ci = film_bootstrap_ci(pred, true, films)
    assert ci['pearson_r_ci_low'] < 0 < scores['pearson_r'] < \
        ci['pearson_r_ci_high']


def test_film_bootstrap_is_deterministic_and_ignores_clip_order():
    pred, true, films = clustered()
    ci = film_bootstrap_ci(pred, true, films)
    assert film_bootstrap_ci(pred, true, films) == ci
    order = np.random.default_rng(5).permutation(len(films))
    shuffled = film_bootstrap_ci(pred[order], true[order],
                                 [films[i] for i in order])
    for key in ci:
        assert shuffled[key] == pytest.approx(ci[key], abs=1e-12)
    assert film_bootstrap_ci(pred, true, films, seed=1) != ci
    wider = film_bootstrap_ci(pred, true, films, confidence_level=0.99)
    assert wider['pearson_r_ci_low'] <= ci['pearson_r_ci_low']
    assert wider['pearson_r_ci_high'] >= ci['pearson_r_ci_high']


@pytest.mark.parametrize('films', [
    ['a', 'a', 'b', 'b', 'b', 'a'],
    ['a', 'b', 'c', '', 'a', 'b'],
    [''] * 6,
])
def test_no_film_interval_with_fewer_than_three_or_unknown_films(films):
    pred, true = np.array(PRED)[:, 0], np.array(TRUE)[:, 0]
    ci = film_bootstrap_ci(pred, true, films)
    assert len(ci) == 4 and all(math.isnan(v) for v in ci.values())
    three = film_bootstrap_ci(pred, true, ['a', 'b', 'c', 'a', 'b', 'c'])
    assert all(np.isfinite(v) for v in three.values())


def test_film_interval_of_constant_predictions():
    """r is undefined in every resample; the CCC is 0 in every one."""
    true = np.array(TRUE)[:, 0]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ci = film_bootstrap_ci(np.full(6, 0.1), true, list('abcabc'))
    assert math.isnan(ci['pearson_r_ci_low'])
    assert math.isnan(ci['pearson_r_ci_high'])
    assert ci['ccc_ci_low'] == ci['ccc_ci_high'] == 0.0


@pytest.mark.parametrize('kwargs, match', [
    (dict(films=['a', 'b']), 'same length'),
    (dict(confidence_level=1.0), 'confidence_level'),
    (dict(num_resamples=0), 'num_resamples'),
])
def test_film_bootstrap_bad_arguments(kwargs, match):
    args = dict(pred=np.arange(4.), true=np.arange(4.), films=list('abcd'))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        film_bootstrap_ci(**args)


def film_samples(pred, true, films):
    """Samples as the evaluator passes them, the film in the metainfo (as
    ``PackEmotionInputs`` puts it)."""
    samples = []
    for p, t, f in zip(pred, true, films):
        sample = ActionDataSample(metainfo=dict(film=f))
        sample.set_field(torch.tensor(t), 'gt_values')
        sample.set_field(torch.tensor(p), 'pred_values')
        samples.append(sample.to_dict())
    return samples


def test_metric_reports_film_intervals_from_the_samples(monkeypatch):
    pred, true, films = clustered()
    pred = np.stack([pred, true[::-1]], axis=1).astype(np.float32)
    true = np.stack([true, true], axis=1).astype(np.float32)
    messages = []
    monkeypatch.setattr(MMLogger.get_current_instance(), 'info',
                        messages.append)
    metric = make_metric(num_resamples=300, confidence_level=0.8, seed=2)
    metric.process({}, film_samples(pred, true, films))
    metrics = metric.evaluate(len(films))
    for i, name in enumerate(TARGETS):
        expected = film_bootstrap_ci(pred[:, i], true[:, i], films, 300,
                                     0.8, 2)
        for key, value in expected.items():
            assert metrics[f'{name}/{key}'] == value
    header, _, valence, _ = messages[-1].strip().splitlines()[:4]
    assert 'r 80% CI (films)' in header and 'p (clips)' in header
    assert valence.split(' | ')[-2].strip() == '5'  # films
    assert valence.split(' | ')[-1].strip() == str(len(films))
    assert format_ci(metrics['valence/pearson_r_ci_low'],
                     metrics['valence/pearson_r_ci_high']) in valence
    assert 'bootstrap over the 5 films, 300 resamples' in messages[-1]
    assert f'the {len(films)} clips as independent' in messages[-1]


def test_metric_says_why_there_is_no_film_interval(monkeypatch):
    messages = []
    monkeypatch.setattr(MMLogger.get_current_instance(), 'info',
                        messages.append)
    metric = make_metric()
    metric.process({}, film_samples(PRED, TRUE, list('aabbab')))
    metric.evaluate(6)
    assert 'the clips come from 2 film(s), at least 3' in messages[-1]
    metric.process({}, [as_dict(p, t) for p, t in zip(PRED, TRUE)])
    metric.evaluate(6)
    assert '6 of 6 clips have no film' in messages[-1]


def test_metric_film_intervals_over_ranks_equal_one_process():
    """Each rank's results carry the film; the gathered results (rank 0's
    clips, then rank 1's) give the single-process intervals."""
    pred, true, films = clustered()
    pred = np.stack([pred, pred], axis=1)
    true = np.stack([true, true], axis=1)
    samples = film_samples(pred, true, films)
    single = make_metric()
    single.process({}, samples)
    ranks = [make_metric(), make_metric()]
    ranks[0].process({}, samples[:7])
    ranks[1].process({}, samples[7:])
    gathered = [r for rank in ranks for r in rank.results]
    assert [r['film'] for r in gathered] == films
    assert ranks[0].compute_metrics(gathered) == single.compute_metrics(
        single.results)


@pytest.mark.parametrize('kwargs', [
    dict(num_resamples=0),
    dict(confidence_level=95),
])
def test_metric_refuses_bad_bootstrap_arguments(kwargs):
    with pytest.raises(ValueError, match='num_resamples >= 1 and 0 < '):
        EmotionRegressionMetric(**kwargs)


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
