"""Film-level bootstrap of the difference between two models' scores on the
same clips.

Both models are scored on each resample of films (as in
:func:`~.film_bootstrap.film_bootstrap_ci`: films drawn with replacement,
each with all of its clips), so the interval of the difference accounts for
what the two share: the same clips, and films that are easy or hard for
both. Two separate intervals that overlap say little about the difference;
this says how sure it is.
"""
import math
from typing import Dict, Sequence

import numpy as np

from .film_bootstrap import (MIN_FILMS, check_resampling, film_resamples,
                             resampled_scores)


def paired_film_bootstrap(pred_a: np.ndarray,
                          pred_b: np.ndarray,
                          true: np.ndarray,
                          films: Sequence[str],
                          num_resamples: int = 10000,
                          confidence_level: float = 0.95,
                          seed: int = 0) -> Dict[str, float]:
    """Percentile intervals of ``score(a) - score(b)`` over resampled films,
    for Pearson's r and Lin's CCC.

    Args:
        pred_a (np.ndarray): Predictions of model A, ``(N,)``.
        pred_b (np.ndarray): Predictions of model B on the same clips,
            ``(N,)``.
        true (np.ndarray): Ground truth, ``(N,)``.
        films (Sequence[str]): The film of each clip, ``N`` of them.
        num_resamples (int): Bootstrap resamples.
        confidence_level (float): Coverage of the interval, in (0, 1).
        seed (int): Seed of the resampling (the resamples of
            :func:`~.film_bootstrap.film_bootstrap_ci` with that seed).

    Returns:
        dict: For ``score`` in ``pearson_r`` and ``ccc``:
        ``{score}_diff_ci_low`` and ``{score}_diff_ci_high``, and
        ``{score}_not_above``, the share of resamples where A's score is not
        above B's (a one-sided bootstrap p-value of "A scores higher"),
        over the resamples where both scores are defined. All NaN when a
        clip's film is unknown or there are fewer than
        :data:`~.film_bootstrap.MIN_FILMS` films.
    """
    pred_a, pred_b, true = (np.asarray(v, dtype=np.float64)
                            for v in (pred_a, pred_b, true))
    if not pred_a.shape == pred_b.shape == true.shape == (len(films), ):
        raise ValueError(
            f'pred_a {pred_a.shape}, pred_b {pred_b.shape}, true '
            f'{true.shape} and films ({len(films)}) must have the same '
            'length N, shape (N,).')
    check_resampling(num_resamples, confidence_level)
    result = {
        f'{score}_{key}': math.nan
        for score in ('pearson_r', 'ccc')
        for key in ('diff_ci_low', 'diff_ci_high', 'not_above')
    }
    if not all(films) or len(set(films)) < MIN_FILMS:
        return result
    film, counts = film_resamples(films, num_resamples, seed)
    scores_a = resampled_scores(pred_a, true, film, counts)
    scores_b = resampled_scores(pred_b, true, film, counts)
    tail = 50 * (1 - confidence_level)
    for score in ('pearson_r', 'ccc'):
        diff = scores_a[score] - scores_b[score]
        diff = diff[~np.isnan(diff)]
        if len(diff):
            low, high = np.percentile(diff, [tail, 100 - tail])
            result[f'{score}_diff_ci_low'] = float(low)
            result[f'{score}_diff_ci_high'] = float(high)
            result[f'{score}_not_above'] = float(np.mean(diff <= 0))
    return result
