from .metrics import (DumpEmotionResults, EmotionRegressionMetric,
                      format_p_value, regression_scores)
from .prediction_file import Predictions, read_predictions, write_predictions

__all__ = [
    'DumpEmotionResults', 'EmotionRegressionMetric', 'Predictions',
    'format_p_value', 'read_predictions', 'regression_scores',
    'write_predictions'
]
