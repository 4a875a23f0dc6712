from .dump_emotion_results import DumpEmotionResults
from .emotion_regression_metric import (EmotionRegressionMetric,
                                        regression_scores)

__all__ = ['DumpEmotionResults', 'EmotionRegressionMetric', 'regression_scores']
