from .emotion_regression_head import EmotionRegressionHead

__all__ = ['EmotionRegressionHead']
