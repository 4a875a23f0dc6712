from .heads import EmotionRegressionHead
from .losses import EmotionMSELoss

__all__ = ['EmotionMSELoss', 'EmotionRegressionHead']
