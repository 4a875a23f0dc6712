"""Two models compared on the same clips, from their prediction files
(``tools/test.py --dump``): each one's Pearson r and CCC per target, their
difference, and how sure the difference is, from a paired bootstrap over
films (:func:`~emovid_mm.evaluation.functional.paired_film_bootstrap`)."""
from typing import List, Sequence

import numpy as np

from ..evaluation import Predictions, regression_scores
from ..evaluation.functional import paired_film_bootstrap
from ..utils import markdown_table


def compare_predictions(a: Predictions,
                        b: Predictions,
                        labels: Sequence[str] = ('A', 'B'),
                        num_resamples: int = 10000,
                        seed: int = 0) -> str:
    """A markdown table, one row per target and score (``pearson_r``,
    ``ccc``): A's and B's score over the clips, ``A - B`` and its 95%
    interval over resampled films, and the share of resamples where A's
    score is not above B's.

    Raises:
        ValueError: The files do not hold the same clips (by ``video_id``),
            or no target in common.
    """
    if sorted(a.video_id.tolist()) != sorted(b.video_id.tolist()):
        only_a = sorted(set(a.video_id.tolist()) - set(b.video_id.tolist()))
        only_b = sorted(set(b.video_id.tolist()) - set(a.video_id.tolist()))
        raise ValueError(
            'The two prediction files must hold the same clips (the same '
            f'split of the same data); clips only in {labels[0]}: '
            f'{only_a[:5]}, only in {labels[1]}: {only_b[:5]}.')
    order_b = np.argsort(b.video_id)[np.argsort(np.argsort(a.video_id))]
    targets = [t for t in a.targets if t in b.targets]
    if not targets:
        raise ValueError(f'No target in common: {labels[0]} has '
                         f'{a.targets}, {labels[1]} {b.targets}.')
    rows: List[List[str]] = []
    for target in targets:
        i, j = a.targets.index(target), b.targets.index(target)
        true = a.true[:, i]
        pred_a, pred_b = a.pred[:, i], b.pred[order_b, j]
        scores_a = regression_scores(pred_a, true)
        scores_b = regression_scores(pred_b, true)
        paired = paired_film_bootstrap(
            pred_a, pred_b, true, a.film, num_resamples, seed=seed)
        for score in ('pearson_r', 'ccc'):
            rows.append([
                target, score, f'{scores_a[score]:.3f}',
                f'{scores_b[score]:.3f}',
                f'{scores_a[score] - scores_b[score]:+.3f}',
                f'[{paired[f"{score}_diff_ci_low"]:+.3f}, '
                f'{paired[f"{score}_diff_ci_high"]:+.3f}]',
                f'{paired[f"{score}_not_above"]:.4f}'
            ])
    return markdown_table([
        'target', 'score', labels[0], labels[1],
        f'{labels[0]} - {labels[1]}', '95% CI (films)',
        f'resamples with {labels[0]} <= {labels[1]}'
    ], rows)
