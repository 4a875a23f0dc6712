from typing import Optional

import torch.nn as nn
from mmaction.models.backbones import C3D
from mmaction.registry import MODELS

# C3D's output grid before fc6 (time, height, width) at 16 x 112 x 112.
C3D_GRID = (1, 4, 4)


@MODELS.register_module()
class C3DFlex(C3D):
    """MMAction2's C3D for other clip sizes, such as the paper's 8
    consecutive frames of 224 x 224.

    MMAction2's C3D is made for 16 x 112 x 112 clips: pool2 to pool4 halve
    time and space (``512 x 2 x 7 x 7``), then pool5 (kernel and stride 2,
    padding 0 in time and 1 in space) leaves the ``512 x 1 x 4 x 4`` that
    ``fc6`` takes (``out_dim=8192``). At 8 x 224 x 224, pool2 to pool4 leave
    ``512 x 1 x 14 x 14``; pool5's temporal kernel of 2 then gives
    ``floor((1 - 2) / 2) + 1 = 0`` frames and the forward fails. With that
    fixed, pool5 would give 8 x 8 cells, and ``fc6`` would need
    ``512 x 1 x 8 x 8 = 32768`` inputs: 134.2M weights instead of 33.6M.

    Only pool5 changes. It pools space as before (2 x 2, stride 2,
    padding 1), then an adaptive max pool takes the remaining frames and
    cells to C3D's ``1 x 4 x 4`` grid (2 x 2 cells at 224 x 224), so ``fc6``
    stays 8192 -> 4096 whatever the clip size, rather than growing with the
    frame area. Max pooling is separable, so at 16 x 112 x 112 this is
    MMAction2's pool5 exactly: same outputs, parameters and state dict (C3D
    checkpoints load). Frames under 96 pixels leave fewer than 4 x 4 cells,
    which the adaptive pool repeats.

    Takes ``(N, 3, T, H, W)`` clips with ``T >= 8`` and ``H, W >= 16``, and
    returns the ``(N, 4096)`` fc7 features.

    Args:
        pretrained (str, optional): Checkpoint to load, or ``None`` to train
            from scratch.
        style (str): Kept for MMAction2's C3D; unused there too.
        conv_cfg (dict, optional): Convolution config, ``Conv3d`` if None.
        norm_cfg (dict, optional): Norm after each convolution, e.g.
            ``dict(type='BN3d')``; none if None, as MMAction2's C3D.
        act_cfg (dict, optional): Activation config, ``ReLU`` if None.
        dropout_ratio (float): Dropout after fc6.
        init_std (float): Std of the normal init of fc6 and fc7.
    """

    def __init__(self,
                 pretrained: Optional[str] = None,
                 style: str = 'pytorch',
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = None,
                 dropout_ratio: float = 0.5,
                 init_std: float = 0.005) -> None:
        t, h, w = C3D_GRID
        super().__init__(
            pretrained=pretrained,
            style=style,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
            out_dim=512 * t * h * w,
            dropout_ratio=dropout_ratio,
            init_std=init_std)
        self.pool5 = nn.Sequential(
            nn.MaxPool3d(
                kernel_size=(1, 2, 2), stride=(1, 2, 2), padding=(0, 1, 1)),
            nn.AdaptiveMaxPool3d(C3D_GRID))
