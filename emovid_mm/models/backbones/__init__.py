from .audio_cnn import AudioCNN
from .bn_inception import BNInception, convert_reference_bninception
from .c3d_flex import C3DFlex
from .eco_resnet3d import ECOResNet3d, convert_reference_eco3d

__all__ = [
    'AudioCNN', 'BNInception', 'C3DFlex', 'ECOResNet3d',
    'convert_reference_bninception', 'convert_reference_eco3d'
]
