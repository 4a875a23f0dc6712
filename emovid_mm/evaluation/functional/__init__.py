from .film_bootstrap import MIN_FILMS, film_bootstrap_ci

__all__ = ['MIN_FILMS', 'film_bootstrap_ci']
