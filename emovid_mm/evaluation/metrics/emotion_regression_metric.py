import math
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from scipy import stats


def regression_scores(pred: np.ndarray, true: np.ndarray) -> Dict[str, float]:
    """MSE, RMSE and Pearson's r with its two-sided p-value.

    Args:
        pred (np.ndarray): Predictions, ``(N,)``.
        true (np.ndarray): Ground truth, ``(N,)``.

    Returns:
        dict: ``mse``, ``rmse``, ``pearson_r``, ``pearson_p``. r and p are NaN
        when undefined (fewer than 3 samples or a constant input).
    """
    pred = np.asarray(pred, dtype=np.float64)
    true = np.asarray(true, dtype=np.float64)
    mse = float(np.mean((pred - true)**2))
    r = p = math.nan
    if len(pred) >= 3 and np.ptp(pred) > 0 and np.ptp(true) > 0:
        r, p = (float(x) for x in stats.pearsonr(pred, true))
    return dict(mse=mse, rmse=math.sqrt(mse), pearson_r=r, pearson_p=p)


def target_names(dataset_meta: Optional[dict],
                 num_targets: int) -> List[str]:
    """The dataset's ``targets``, or ``target0``, ``target1``... without
    them."""
    return list((dataset_meta or {}).get('targets')
                or [f'target{i}' for i in range(num_targets)])


@METRICS.register_module()
class EmotionRegressionMetric(BaseMetric):
    """MSE, RMSE and Pearson's r (with p-value) for each emotion target.

    Scores are computed once over every sample of the split, gathered from
    all ranks, never averaged over batches or ranks. The keys are
    ``{target}/{score}`` (e.g. ``valence/pearson_r``) and ``mean/{score}``,
    the mean over the targets (with one target, its own score), so that one
    ``save_best='mean/pearson_r'`` fits every config. For
    ``CheckpointHook(save_best=...)`` use ``rule='greater'`` with
    ``pearson_r`` and ``rule='less'`` with ``mse`` / ``rmse``.

    The target names come from the dataset's metainfo ``targets``.

    Args:
        collect_device (str): ``'cpu'`` or ``'gpu'``, for gathering results.
        prefix (str, optional): Prefix of the metric keys.
    """

    default_prefix: Optional[str] = ''
    scores = ('mse', 'rmse', 'pearson_r', 'pearson_p')

    def __init__(self,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(
                dict(
                    pred=np.asarray(sample['pred_values'].cpu().numpy()),
                    true=np.asarray(sample['gt_values'].cpu().numpy())))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        pred = np.stack([r['pred'] for r in results])
        true = np.stack([r['true'] for r in results])
        names = target_names(self.dataset_meta, pred.shape[1])
        if len(names) != pred.shape[1]:
            raise ValueError(f'The dataset has targets {names} but the '
                             f'model predicts {pred.shape[1]} value(s).')
        metrics = {}
        for i, name in enumerate(names):
            for key, value in regression_scores(pred[:, i],
                                                true[:, i]).items():
                metrics[f'{name}/{key}'] = value
        for key in ('mse', 'rmse', 'pearson_r'):
            metrics[f'mean/{key}'] = float(
                np.mean([metrics[f'{n}/{key}'] for n in names]))
        MMLogger.get_current_instance().info(
            '\n' + format_table(metrics, names, len(results)))
        return metrics


def format_table(metrics: Dict[str, float], names: Sequence[str],
                 num_samples: int) -> str:
    """A plain-text table of the scores, one row per target."""
    header = ['target', 'MSE', 'RMSE', 'Pearson r', 'p-value', 'N']
    rows = [header]
    for name in names:
        rows.append([
            name, f'{metrics[f"{name}/mse"]:.4f}',
            f'{metrics[f"{name}/rmse"]:.4f}',
            f'{metrics[f"{name}/pearson_r"]:.4f}',
            f'{metrics[f"{name}/pearson_p"]:.3g}',
            str(num_samples)
        ])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        ' | '.join(cell.ljust(w) for cell, w in zip(row, widths))
        for row in rows
    ]
    lines.insert(1, '-+-'.join('-' * w for w in widths))
    return '\n'.join(lines)
