from .metrics import (DumpEmotionResults, EmotionRegressionMetric,
                      regression_scores)
from .prediction_file import Predictions, read_predictions, write_predictions

__all__ = [
    'DumpEmotionResults', 'EmotionRegressionMetric', 'Predictions',
    'read_predictions', 'regression_scores', 'write_predictions'
]
