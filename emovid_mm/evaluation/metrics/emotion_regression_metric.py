import math
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from scipy import stats

from ..functional import MIN_FILMS, film_bootstrap_ci


def regression_scores(pred: np.ndarray,
                      true: np.ndarray,
                      variance: Optional[np.ndarray] = None
                      ) -> Dict[str, float]:
    """Error, correlation and agreement of predictions with the truth.

    Args:
        pred (np.ndarray): Predictions, ``(N,)``.
        true (np.ndarray): Ground truth, ``(N,)``.
        variance (np.ndarray, optional): The truth's annotated variance,
            ``(N,)``.

    Returns:
        dict: ``mse``, ``rmse``; Pearson's ``pearson_r`` with its two-sided
        ``pearson_p`` (over clips taken as independent); Lin's concordance
        correlation coefficient ``ccc`` (population moments, as in AVEC);
        Spearman's ``spearman_rho``; and, with ``variance``, ``within_std``:
        the fraction of predictions within one annotated standard deviation
        of the truth. r, p and rho are NaN when undefined (fewer than 3
        samples or a constant input); the CCC of a constant prediction is 0
        when the truth varies, and NaN only when the predictions and the
        truth are one and the same constant.
    """
    pred = np.asarray(pred, dtype=np.float64)
    true = np.asarray(true, dtype=np.float64)
    mse = float(np.mean((pred - true)**2))
    r = p = ccc = rho = math.nan
    varies = np.ptp(pred) > 0 and np.ptp(true) > 0
    if len(pred) >= 3 and varies:
        r, p = (float(x) for x in stats.pearsonr(pred, true))
        rho = float(stats.spearmanr(pred, true)[0])
    covariance = np.mean(
        (pred - pred.mean()) * (true - true.mean())) if varies else 0.0
    denominator = pred.var() + true.var() + (pred.mean() - true.mean())**2
    if denominator > 0:
        ccc = float(2 * covariance / denominator)
    scores = dict(
        mse=mse,
        rmse=math.sqrt(mse),
        pearson_r=r,
        pearson_p=p,
        ccc=ccc,
        spearman_rho=rho)
    if variance is not None:
        std = np.sqrt(np.asarray(variance, dtype=np.float64))
        scores['within_std'] = float(np.mean(np.abs(pred - true) <= std))
    return scores


def target_names(dataset_meta: Optional[dict],
                 num_targets: int) -> List[str]:
    """The dataset's ``targets``, or ``target0``, ``target1``... without
    them."""
    return list((dataset_meta or {}).get('targets')
                or [f'target{i}' for i in range(num_targets)])


@METRICS.register_module()
class EmotionRegressionMetric(BaseMetric):
    """MSE, RMSE, Pearson's r (with p-value), Lin's CCC, Spearman's rho and
    the fraction of predictions within the annotated standard deviation, for
    each emotion target (see :func:`regression_scores`), and film-level
    bootstrap confidence intervals of r and the CCC (see
    :func:`~emovid_mm.evaluation.functional.film_bootstrap_ci`).

    Scores are computed once over every sample of the split, gathered from
    all ranks, never averaged over batches or ranks. The keys are
    ``{target}/{score}`` (e.g. ``valence/pearson_r``,
    ``valence/pearson_r_ci_low``) and ``mean/{score}`` for ``mse``,
    ``rmse``, ``pearson_r`` and ``ccc``, the mean over the targets (with one
    target, its own score), so that one ``save_best='mean/pearson_r'`` fits
    every config. For ``CheckpointHook(save_best=...)`` use
    ``rule='greater'`` with ``pearson_r`` and ``rule='less'`` with ``mse`` /
    ``rmse``.

    ``pearson_p`` takes the clips as independent, which clips of one film
    are not; the intervals (``{pearson_r,ccc}_ci_{low,high}``) resample
    films instead, from the samples' ``film``. They are NaN when a sample
    has no film (the dataset reads films from its ``description_file``) or
    the samples come from fewer than 3 films.

    The target names come from the dataset's metainfo ``targets``;
    ``within_std`` needs the samples' ``gt_variances`` and is left out when a
    sample has none.

    Args:
        num_resamples (int): Bootstrap resamples of the films. Defaults to
            10000.
        confidence_level (float): Coverage of the intervals. Defaults to
            0.95.
        seed (int): Seed of the resampling, so that the intervals of a run
            reproduce. Defaults to 0.
        collect_device (str): ``'cpu'`` or ``'gpu'``, for gathering results.
        prefix (str, optional): Prefix of the metric keys.
    """

    default_prefix: Optional[str] = ''
    mean_scores = ('mse', 'rmse', 'pearson_r', 'ccc')

    def __init__(self,
                 num_resamples: int = 10000,
                 confidence_level: float = 0.95,
                 seed: int = 0,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if num_resamples < 1 or not 0 < confidence_level < 1:
            raise ValueError(
                'EmotionRegressionMetric needs num_resamples >= 1 and '
                f'0 < confidence_level < 1, got {num_resamples} and '
                f'{confidence_level}.')
        self.num_resamples = num_resamples
        self.confidence_level = confidence_level
        self.seed = seed

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            result = dict(
                pred=sample['pred_values'].cpu().numpy(),
                true=sample['gt_values'].cpu().numpy(),
                film=str(sample.get('film') or ''))
            if 'gt_variances' in sample:
                result['variance'] = sample['gt_variances'].cpu().numpy()
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        pred = np.stack([r['pred'] for r in results])
        true = np.stack([r['true'] for r in results])
        films = [r['film'] for r in results]
        variance = None
        if all('variance' in r for r in results):
            variance = np.stack([r['variance'] for r in results])
        names = target_names(self.dataset_meta, pred.shape[1])
        if len(names) != pred.shape[1]:
            raise ValueError(f'The dataset has targets {names} but the '
                             f'model predicts {pred.shape[1]} value(s).')
        metrics = {}
        for i, name in enumerate(names):
            scores = regression_scores(
                pred[:, i], true[:, i],
                None if variance is None else variance[:, i])
            scores.update(
                film_bootstrap_ci(pred[:, i], true[:, i], films,
                                  self.num_resamples, self.confidence_level,
                                  self.seed))
            for key, value in scores.items():
                metrics[f'{name}/{key}'] = value
        for key in self.mean_scores:
            metrics[f'mean/{key}'] = float(
                np.mean([metrics[f'{n}/{key}'] for n in names]))
        num_films = len(set(films)) if all(films) else None
        table = format_table(metrics, names, len(results), num_films,
                             self.confidence_level)
        MMLogger.get_current_instance().info(
            f'\n{table}\n{self._note(films)}')
        return metrics

    def _note(self, films: List[str]) -> str:
        """What the table's p-values and intervals are, or why there are
        no intervals."""
        if not all(films):
            return (f'No film-level confidence intervals: '
                    f'{films.count("")} of {len(films)} clips have no film '
                    '(the dataset reads films from its description_file, '
                    'ACCEDEdescription.xml).')
        num_films = len(set(films))
        if num_films < MIN_FILMS:
            return (f'No film-level confidence intervals: the clips come '
                    f'from {num_films} film(s), at least {MIN_FILMS} are '
                    'needed.')
        return (f'p (clips): two-sided p of Pearson\'s r, taking the '
                f'{len(films)} clips as independent. '
                f'{100 * self.confidence_level:g}% CI (films): percentile '
                f'bootstrap over the {num_films} films, '
                f'{self.num_resamples} resamples.')


def format_p_value(p: float, spec: str = '.3g') -> str:
    """``p`` in ``spec``, or ``'< 1e-300'`` where it underflowed to 0."""
    return '< 1e-300' if p == 0 else format(p, spec)


def format_ci(low: float, high: float, spec: str = '.3f') -> str:
    """``[low, high]`` in ``spec``, or ``'n/a'`` where there is none."""
    if math.isnan(low) or math.isnan(high):
        return 'n/a'
    return f'[{low:{spec}}, {high:{spec}}]'


def format_table(metrics: Dict[str, float],
                 names: Sequence[str],
                 num_samples: int,
                 num_films: Optional[int] = None,
                 confidence_level: float = 0.95) -> str:
    """A plain-text table of the scores, one row per target, with the
    number of films (``n/a`` when unknown) and of clips (``N``)."""
    level = f'{100 * confidence_level:g}%'
    columns = [('MSE', 'mse', '.4f'), ('RMSE', 'rmse', '.4f'),
               ('Pearson r', 'pearson_r', '.4f'),
               (f'r {level} CI (films)', 'pearson_r_ci', '.3f'),
               ('p (clips)', 'pearson_p', '.3g'), ('CCC', 'ccc', '.4f'),
               (f'CCC {level} CI (films)', 'ccc_ci', '.3f'),
               ('Spearman rho', 'spearman_rho', '.4f'),
               ('within std', 'within_std', '.3f')]

    def text(name: str, key: str, spec: str) -> str:
        if key.endswith('_ci'):
            return format_ci(metrics[f'{name}/{key}_low'],
                             metrics[f'{name}/{key}_high'], spec)
        value = metrics[f'{name}/{key}']
        return format_p_value(value, spec) if key == 'pearson_p' else \
            format(value, spec)

    columns = [
        c for c in columns
        if f'{names[0]}/{c[1]}' in metrics
        or f'{names[0]}/{c[1]}_low' in metrics
    ]
    films = 'n/a' if num_films is None else str(num_films)
    rows = [['target', *(c[0] for c in columns), 'films', 'N']]
    for name in names:
        rows.append([
            name, *(text(name, key, spec) for _, key, spec in columns), films,
            str(num_samples)
        ])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        ' | '.join(cell.ljust(w) for cell, w in zip(row, widths))
        for row in rows
    ]
    lines.insert(1, '-+-'.join('-' * w for w in widths))
    return '\n'.join(lines)
