from .dump_emotion_results import DumpEmotionResults
from .emotion_regression_metric import (EmotionRegressionMetric,
                                        format_p_value, regression_scores)

__all__ = [
    'DumpEmotionResults', 'EmotionRegressionMetric', 'format_p_value',
    'regression_scores'
]
