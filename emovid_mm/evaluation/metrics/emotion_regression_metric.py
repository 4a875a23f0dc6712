import math
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from scipy import stats


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
        ``pearson_p``; Lin's concordance correlation coefficient ``ccc``
        (population moments, as in AVEC); Spearman's ``spearman_rho``; and,
        with ``variance``, ``within_std``: the fraction of predictions within
        one annotated standard deviation of the truth. The correlations are
        NaN when undefined (fewer than 3 samples or a constant input).
    """
    pred = np.asarray(pred, dtype=np.float64)
    true = np.asarray(true, dtype=np.float64)
    mse = float(np.mean((pred - true)**2))
    r = p = ccc = rho = math.nan
    if len(pred) >= 3 and np.ptp(pred) > 0 and np.ptp(true) > 0:
        r, p = (float(x) for x in stats.pearsonr(pred, true))
        rho = float(stats.spearmanr(pred, true)[0])
        covariance = np.mean((pred - pred.mean()) * (true - true.mean()))
        ccc = float(2 * covariance /
                    (pred.var() + true.var() +
                     (pred.mean() - true.mean())**2))
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
    each emotion target (see :func:`regression_scores`).

    Scores are computed once over every sample of the split, gathered from
    all ranks, never averaged over batches or ranks. The keys are
    ``{target}/{score}`` (e.g. ``valence/pearson_r``) and ``mean/{score}``,
    the mean over the targets (with one target, its own score), so that one
    ``save_best='mean/pearson_r'`` fits every config. For
    ``CheckpointHook(save_best=...)`` use ``rule='greater'`` with
    ``pearson_r`` and ``rule='less'`` with ``mse`` / ``rmse``.

    The target names come from the dataset's metainfo ``targets``;
    ``within_std`` needs the samples' ``gt_variances`` and is left out when a
    sample has none.

    Args:
        collect_device (str): ``'cpu'`` or ``'gpu'``, for gathering results.
        prefix (str, optional): Prefix of the metric keys.
    """

    default_prefix: Optional[str] = ''
    mean_scores = ('mse', 'rmse', 'pearson_r', 'ccc')

    def __init__(self,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            result = dict(
                pred=sample['pred_values'].cpu().numpy(),
                true=sample['gt_values'].cpu().numpy())
            if 'gt_variances' in sample:
                result['variance'] = sample['gt_variances'].cpu().numpy()
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        pred = np.stack([r['pred'] for r in results])
        true = np.stack([r['true'] for r in results])
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
            for key, value in scores.items():
                metrics[f'{name}/{key}'] = value
        for key in self.mean_scores:
            metrics[f'mean/{key}'] = float(
                np.mean([metrics[f'{n}/{key}'] for n in names]))
        MMLogger.get_current_instance().info(
            '\n' + format_table(metrics, names, len(results)))
        return metrics


def format_p_value(p: float, spec: str = '.3g') -> str:
    """``p`` in ``spec``, or ``'< 1e-300'`` where it underflowed to 0."""
    return '< 1e-300' if p == 0 else format(p, spec)


def format_table(metrics: Dict[str, float], names: Sequence[str],
                 num_samples: int) -> str:
    """A plain-text table of the scores, one row per target."""
    columns = [('MSE', 'mse', '.4f'), ('RMSE', 'rmse', '.4f'),
               ('Pearson r', 'pearson_r', '.4f'),
               ('p-value', 'pearson_p', '.3g'), ('CCC', 'ccc', '.4f'),
               ('Spearman rho', 'spearman_rho', '.4f'),
               ('within std', 'within_std', '.3f')]
    columns = [c for c in columns if f'{names[0]}/{c[1]}' in metrics]
    rows = [['target', *(c[0] for c in columns), 'N']]
    for name in names:
        rows.append([
            name,
            *((format_p_value if key == 'pearson_p' else format)(
                metrics[f'{name}/{key}'], spec) for _, key, spec in columns),
            str(num_samples)
        ])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        ' | '.join(cell.ljust(w) for cell, w in zip(row, widths))
        for row in rows
    ]
    lines.insert(1, '-+-'.join('-' * w for w in widths))
    return '\n'.join(lines)
