from .backbones import BNInception, ECOResNet3d
from .heads import EmotionRegressionHead
from .losses import EmotionMSELoss
from .recognizers import RecognizerECO

__all__ = [
    'BNInception', 'ECOResNet3d', 'EmotionMSELoss', 'EmotionRegressionHead',
    'RecognizerECO'
]
