from .film_bootstrap import (MIN_FILMS, film_bootstrap_ci, film_resamples,
                             resampled_scores)
from .paired_film_bootstrap import paired_film_bootstrap

__all__ = [
    'MIN_FILMS', 'film_bootstrap_ci', 'film_resamples',
    'paired_film_bootstrap', 'resampled_scores'
]
