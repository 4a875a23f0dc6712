from .backbones import BNInception, C3DFlex, ECOResNet3d
from .heads import EmotionRegressionHead
from .losses import EmotionMSELoss
from .recognizers import RecognizerECO

__all__ = [
    'BNInception', 'C3DFlex', 'ECOResNet3d', 'EmotionMSELoss',
    'EmotionRegressionHead', 'RecognizerECO'
]
