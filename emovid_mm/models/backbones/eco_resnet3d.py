import re
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule


class ECOBlock3d(nn.Module):
    """One residual unit of ECO's 3D network, batch norm after the sum.

    ``raw`` is the previous unit's sum before its batch norm, ``act`` the
    same after BN and ReLU. The unit computes
    ``sum = conv2(relu(bn1(conv1(act)))) + shortcut`` and returns
    ``(sum, relu(bn(sum)))``. The shortcut is ``raw`` (``'identity'``), a
    strided 3x3x3 convolution of ``act`` (``'conv'``) or nothing
    (``'none'``, which with ``with_conv1=False`` is ECO's plain ``res3a_2``
    convolution).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride in time and space of ``conv1`` and ``down``.
        shortcut (str): ``'identity'``, ``'conv'`` or ``'none'``.
        with_conv1 (bool): Whether the unit has a first convolution.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int = 1,
                 shortcut: str = 'identity',
                 with_conv1: bool = True) -> None:
        super().__init__()
        if shortcut not in ('identity', 'conv', 'none'):
            raise ValueError(f'Unknown shortcut {shortcut!r}.')
        self.shortcut = shortcut
        conv2_in, conv2_stride = in_channels, stride
        if with_conv1:
            self.conv1 = nn.Conv3d(
                in_channels, out_channels, 3, stride=stride, padding=1)
            self.bn1 = nn.BatchNorm3d(out_channels)
            conv2_in, conv2_stride = out_channels, 1
        self.conv2 = nn.Conv3d(
            conv2_in, out_channels, 3, stride=conv2_stride, padding=1)
        if shortcut == 'conv':
            self.down = nn.Conv3d(
                in_channels, out_channels, 3, stride=stride, padding=1)
        self.bn = nn.BatchNorm3d(out_channels)
        self.relu = nn.ReLU(inplace=True)

    def forward(
        self, raw: Optional[torch.Tensor], act: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        out = act
        if hasattr(self, 'conv1'):
            out = self.relu(self.bn1(self.conv1(out)))
        out = self.conv2(out)
        if self.shortcut == 'conv':
            out = out + self.down(act)
        elif self.shortcut == 'identity':
            out = out + raw
        return out, self.relu(self.bn(out))


@MODELS.register_module()
class ECOResNet3d(BaseModule):
    """The 3D network of ECO: a 3D-ResNet-18 from ``res3`` to ``res5``.

    ECO (Zolfaghari et al., ECCV 2018) stacks the per-frame 2D feature maps
    of BN-Inception (96 channels at 28x28 for 224x224 frames) along time and
    runs them through this network. The layout follows the ECO reference
    models: ``res3`` is a 3x3x3 convolution to 128 channels plus one
    residual unit; ``res4`` and ``res5`` halve time and space in their first
    unit (with a strided 3x3x3 convolution as shortcut) and double the
    channels (256, 512); every convolution has a bias, and batch norm + ReLU
    follow each residual sum. Module names map one-to-one onto the reference
    ones (``res4a_1`` -> ``res4.0.conv1``, ``res4a_down`` -> ``res4.0.down``,
    ``res4b_bn`` -> ``res4.1.bn``, ...), see :func:`convert_reference_eco3d`.

    Input ``(N, in_channels, T, H, W)``, output ``(N, 512, ceil(T/4),
    ceil(H/4), ceil(W/4))``: for ECO's 16 frames of 28x28, 4x7x7.

    Args:
        in_channels (int): Channels of the 2D features (96 for BN-Inception).
        base_channels (int): Channels of ``res3``; ``res4`` and ``res5``
            have 2 and 4 times as many.
        init_cfg (dict, optional): Weight init config.
    """

    def __init__(self,
                 in_channels: int = 96,
                 base_channels: int = 128,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg or [
            dict(type='Kaiming', layer='Conv3d'),
            dict(type='Constant', layer='BatchNorm3d', val=1, bias=0)
        ])
        c3, c4, c5 = base_channels, 2 * base_channels, 4 * base_channels
        self.res3 = nn.ModuleList([
            ECOBlock3d(in_channels, c3, shortcut='none', with_conv1=False),
            ECOBlock3d(c3, c3)
        ])
        self.res4 = nn.ModuleList(
            [ECOBlock3d(c3, c4, stride=2, shortcut='conv'),
             ECOBlock3d(c4, c4)])
        self.res5 = nn.ModuleList(
            [ECOBlock3d(c4, c5, stride=2, shortcut='conv'),
             ECOBlock3d(c5, c5)])
        self.in_channels = in_channels
        self.out_channels = c5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, H, W)`` -> ``(N, 512, T', H', W')``."""
        if x.dim() != 5 or x.shape[1] != self.in_channels:
            raise ValueError(f'Expected (N, {self.in_channels}, T, H, W) '
                             f'features, got {tuple(x.shape)}.')
        raw, act = None, x
        for stage in (self.res3, self.res4, self.res5):
            for block in stage:
                raw, act = block(raw, act)
        return act


_REFERENCE_KEY = re.compile(
    r'^res(?P<stage>[345])(?P<block>[ab])_(?P<part>1_bn|1|2|down|bn)\.'
    r'(?P<param>.+)$')
_PARTS = {'1': 'conv1', '1_bn': 'bn1', '2': 'conv2', 'down': 'down',
          'bn': 'bn'}


def convert_reference_eco3d(
        state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename the 3D part of a reference ECO checkpoint to
    :class:`ECOResNet3d`'s names.

    Keys such as ``module.base_model.res4a_down.weight`` become
    ``res4.0.down.weight``; keys of other parts (BN-Inception, the
    classifier) are left out.
    """
    out = {}
    for key, value in state_dict.items():
        name = key.split('base_model.')[-1].removeprefix('module.')
        match = _REFERENCE_KEY.match(name)
        if match:
            block = 0 if match['block'] == 'a' else 1
            out[f'res{match["stage"]}.{block}.{_PARTS[match["part"]]}.'
                f'{match["param"]}'] = value
    return out
