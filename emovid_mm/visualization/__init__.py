from .demo_film import make_demo_film
from .emotion_timeline_plot import Truth, plot_emotion_timeline, read_truth
from .prediction_scatter_plot import (plot_prediction_scatter,
                                      save_prediction_scatters)
from .training_curves_plot import (Curves, plot_training_curves,
                                   read_training_curves)

__all__ = [
    'Curves', 'Truth', 'make_demo_film', 'plot_emotion_timeline',
    'plot_prediction_scatter', 'plot_training_curves', 'read_training_curves',
    'read_truth', 'save_prediction_scatters'
]
