from .backbones import AudioCNN, BNInception, C3DFlex, ECOResNet3d
from .heads import EmotionRegressionHead
from .losses import EmotionMSELoss
from .recognizers import RecognizerAudioVisual, RecognizerECO
from .utils import pool_features

__all__ = [
    'AudioCNN', 'BNInception', 'C3DFlex', 'ECOResNet3d', 'EmotionMSELoss',
    'EmotionRegressionHead', 'RecognizerAudioVisual', 'RecognizerECO',
    'pool_features'
]
