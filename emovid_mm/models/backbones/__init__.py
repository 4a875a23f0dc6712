from .bn_inception import BNInception, convert_reference_bninception
from .eco_resnet3d import ECOResNet3d, convert_reference_eco3d

__all__ = [
    'BNInception', 'ECOResNet3d', 'convert_reference_bninception',
    'convert_reference_eco3d'
]
