"""Film-level bootstrap confidence intervals of Pearson's r and Lin's CCC.

Clips cut from one film share its mood, so they are not independent samples:
a p-value over clips overstates the evidence. Here films are resampled with
replacement, each drawn film bringing all of its clips, and r and the CCC
are computed over the clips of each resample; the interval is the central
``confidence_level`` part (percentiles) of those resampled scores.

``scipy.stats.bootstrap`` resamples observations, not groups of them, and
its percentile interval is NaN as soon as one resample's score is
undefined, so the resampling is done here: each resample is a vector of
film counts, and every score follows from per-film sums in one matrix
product, whatever the number of clips.
"""
import math
from typing import Dict, Sequence, Tuple

import numpy as np

#: Fewer films than this give no interval.
MIN_FILMS = 3


def film_bootstrap_ci(pred: np.ndarray,
                      true: np.ndarray,
                      films: Sequence[str],
                      num_resamples: int = 10000,
                      confidence_level: float = 0.95,
                      seed: int = 0) -> Dict[str, float]:
    """Percentile intervals of Pearson's r and Lin's CCC over resampled
    films.

    Deterministic: the same inputs and ``seed`` give the same interval, and
    calls with the same films and ``seed`` draw the same resamples (so the
    targets of one split share them).

    Args:
        pred (np.ndarray): Predictions, ``(N,)``.
        true (np.ndarray): Ground truth, ``(N,)``.
        films (Sequence[str]): The film of each clip, ``N`` of them; an
            empty name means unknown.
        num_resamples (int): Bootstrap resamples. Defaults to 10000.
        confidence_level (float): Coverage of the interval, in (0, 1).
            Defaults to 0.95.
        seed (int): Seed of the resampling. Defaults to 0.

    Returns:
        dict: ``pearson_r_ci_low``, ``pearson_r_ci_high``, ``ccc_ci_low``
        and ``ccc_ci_high``. Resamples where a score is undefined are left
        out of its interval: for r, those whose predictions or truths are
        constant; for the CCC, those whose predictions and truths are one
        and the same constant. All are NaN when a clip's film is unknown or
        the clips come from fewer than :data:`MIN_FILMS` films.
    """
    pred = np.asarray(pred, dtype=np.float64)
    true = np.asarray(true, dtype=np.float64)
    if not pred.shape == true.shape == (len(films), ):
        raise ValueError(
            f'pred {pred.shape}, true {true.shape} and films '
            f'({len(films)}) must have the same length N, shape (N,).')
    check_resampling(num_resamples, confidence_level)
    ci = {
        f'{score}_ci_{end}': math.nan
        for score in ('pearson_r', 'ccc') for end in ('low', 'high')
    }
    if not all(films) or len(set(films)) < MIN_FILMS:
        return ci

    film, counts = film_resamples(films, num_resamples, seed)
    resampled = resampled_scores(pred, true, film, counts)
    tail = 50 * (1 - confidence_level)
    for score, values in resampled.items():
        values = values[~np.isnan(values)]
        if len(values):
            low, high = np.percentile(values, [tail, 100 - tail])
            ci[f'{score}_ci_low'] = float(low)
            ci[f'{score}_ci_high'] = float(high)
    return ci


def check_resampling(num_resamples: int, confidence_level: float) -> None:
    """Raise ValueError naming a bad number of resamples or level."""
    if not 0 < confidence_level < 1:
        raise ValueError(
            f'confidence_level must be in (0, 1), got {confidence_level}.')
    if num_resamples < 1:
        raise ValueError(
            f'num_resamples must be at least 1, got {num_resamples}.')


def film_resamples(films: Sequence[str], num_resamples: int,
                   seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """Resamples of the films, with replacement: the index of each clip's
    film ``(N,)`` and how many times each resample draws each film
    ``(num_resamples, F)``. The same films and ``seed`` give the same
    resamples."""
    names, film = np.unique(np.asarray(films, dtype=str), return_inverse=True)
    num_films = len(names)
    counts = np.random.default_rng(seed).multinomial(
        num_films, np.full(num_films, 1 / num_films),
        size=num_resamples)  # (B, F)
    return film, counts


def resampled_scores(pred: np.ndarray, true: np.ndarray, film: np.ndarray,
                     counts: np.ndarray) -> Dict[str, np.ndarray]:
    """Pearson's r and Lin's CCC over the clips of each resample of
    :func:`film_resamples`, ``(B,)`` each, NaN where undefined (see
    :func:`film_bootstrap_ci`)."""
    num_films = counts.shape[1]
    drawn = counts > 0

    def constant(values: np.ndarray):
        """Whether ``values`` is constant over each resample's clips, and
        its smallest value there; both ``(B,)``."""
        low = np.full(num_films, np.inf)
        high = np.full(num_films, -np.inf)
        np.minimum.at(low, film, values)
        np.maximum.at(high, film, values)
        low = np.where(drawn, low, np.inf).min(axis=1)
        return low == np.where(drawn, high, -np.inf).max(axis=1), low

    pred_constant, pred_value = constant(pred)
    true_constant, true_value = constant(true)
    # Moments from per-film sums, centred on the overall means for
    # precision (the CCC adds the means' offset back).
    x, y = pred - pred.mean(), true - true.mean()
    per_film = np.stack([
        np.bincount(film, weights=w, minlength=num_films)
        for w in (np.ones_like(x), x, y, x * x, y * y, x * y)
    ], axis=1)  # (F, 6)
    n, sx, sy, sxx, syy, sxy = (counts @ per_film).T  # each (B,)
    mx, my = sx / n, sy / n
    vx = np.where(pred_constant, 0, sxx / n - mx**2)
    vy = np.where(true_constant, 0, syy / n - my**2)
    cov = np.where(pred_constant | true_constant, 0, sxy / n - mx * my)
    offset = np.where(pred_constant & true_constant, pred_value - true_value,
                      mx - my + pred.mean() - true.mean())
    denominator = vx + vy + offset**2
    with np.errstate(divide='ignore', invalid='ignore'):
        return dict(
            pearson_r=np.where(pred_constant | true_constant, np.nan,
                               np.clip(cov / np.sqrt(vx * vy), -1, 1)),
            ccc=np.where(denominator > 0, 2 * cov / denominator, np.nan))
