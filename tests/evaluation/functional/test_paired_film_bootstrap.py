"""The paired film bootstrap of the difference between two models."""
import math

import numpy as np
import pytest

from emovid_mm.evaluation.functional import (film_resamples,
                                             paired_film_bootstrap)


def clips(seed=0, num_films=12, per_film=3):
    rng = np.random.default_rng(seed)
    films = [f'film{i}' for i in range(num_films) for _ in range(per_film)]
    mood = rng.normal(size=num_films).repeat(per_film)
    true = mood + rng.normal(0, 0.5, len(films))
    return rng, films, true


def test_equals_the_difference_of_rs_over_the_pooled_clips_of_drawn_films():
    rng, films, true = clips()
    pred_a = true + rng.normal(0, 0.5, len(true))
    pred_b = true + rng.normal(0, 1.5, len(true))
    out = paired_film_bootstrap(pred_a, pred_b, true, films, 300, 0.9, seed=4)
    film, counts = film_resamples(films, 300, seed=4)
    diffs = []
    for drawn in counts:
        idx = np.concatenate([
            np.flatnonzero(film == f) for f, times in enumerate(drawn)
            for _ in range(times)
        ])
        diffs.append(
            np.corrcoef(pred_a[idx], true[idx])[0, 1] -
            np.corrcoef(pred_b[idx], true[idx])[0, 1])
    low, high = np.percentile(diffs, [5, 95])
    assert out['pearson_r_diff_ci_low'] == pytest.approx(low, abs=1e-9)
    assert out['pearson_r_diff_ci_high'] == pytest.approx(high, abs=1e-9)
    assert out['pearson_r_not_above'] == pytest.approx(
        np.mean(np.array(diffs) <= 0))


def test_a_better_model_is_told_apart_and_an_equal_one_is_not():
    rng, films, true = clips(seed=1)
    good = true + rng.normal(0, 0.3, len(true))
    bad = rng.normal(size=len(true))
    better = paired_film_bootstrap(good, bad, true, films)
    assert better['pearson_r_diff_ci_low'] > 0
    assert better['ccc_diff_ci_low'] > 0
    assert better['pearson_r_not_above'] == 0
    same = paired_film_bootstrap(good, good.copy(), true, films)
    assert same['pearson_r_diff_ci_low'] == same[
        'pearson_r_diff_ci_high'] == 0
    assert same['pearson_r_not_above'] == 1


def test_deterministic_in_seed():
    rng, films, true = clips(seed=2)
    a, b = rng.normal(size=(2, len(true)))
    out = paired_film_bootstrap(a, b, true, films)
    assert paired_film_bootstrap(a, b, true, films) == out
    assert paired_film_bootstrap(a, b, true, films, seed=1) != out


def test_too_few_films_give_nan():
    out = paired_film_bootstrap(
        np.arange(6.), np.arange(6.)[::-1], np.arange(6.), ['a'] * 3 + ['b'] * 3)
    assert all(math.isnan(v) for v in out.values())


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match='same length'):
        paired_film_bootstrap(np.zeros(4), np.zeros(3), np.zeros(4), 'abcd')
