from .metrics import (DumpEmotionResults, EmotionRegressionMetric,
                      regression_scores)

__all__ = ['DumpEmotionResults', 'EmotionRegressionMetric', 'regression_scores']
