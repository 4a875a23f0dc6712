from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule


@MODELS.register_module()
class AudioCNN(BaseModule):
    """A small CNN on log-mel spectrograms.

    Batch norm over the mel bands first (each band normalised with its own
    statistics, so dB values need no fixed mean and std), then
    ``len(channels)`` blocks of ``convs_per_block`` 3x3 convolutions with
    batch norm and ReLU, each block ending in 2x2 average pooling (ceil
    mode, so any size down to 1 works). ``(B, in_channels, M, W)`` log-mel
    gives ``(B, channels[-1], ceil(M / 2**K), ceil(W / 2**K))`` with ``K``
    blocks: 64 mels x 96 frames (0.96 s at a 10 ms hop) give 256 x 4 x 6
    with the defaults (1.17 M parameters). The layout is that of the
    convolutional blocks of PANNs' CNN (Kong et al., "PANNs: Large-Scale
    Pretrained Audio Neural Networks for Audio Pattern Recognition",
    IEEE/ACM TASLP 2020), fewer and narrower.

    Args:
        n_mels (int): Mel bands ``M`` of the input.
        in_channels (int): Input channels.
        channels (Sequence[int]): Output channels of each block.
        convs_per_block (int): Convolutions per block.
        norm_cfg (dict): Norm layer of the convolutions.
        act_cfg (dict): Activation of the convolutions.
        init_cfg (dict or list[dict], optional): Weight init config, by
            default Kaiming for convolutions, 1 and 0 for batch norm.
    """

    def __init__(self,
                 n_mels: int = 64,
                 in_channels: int = 1,
                 channels: Sequence[int] = (32, 64, 128, 256),
                 convs_per_block: int = 2,
                 norm_cfg: dict = dict(type='BN2d'),
                 act_cfg: dict = dict(type='ReLU', inplace=True),
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg or [
            dict(type='Kaiming', layer='Conv2d'),
            dict(type='Constant', layer='BatchNorm2d', val=1, bias=0)
        ])
        if not channels or convs_per_block < 1:
            raise ValueError('AudioCNN needs at least one block and one '
                             f'convolution per block, got channels='
                             f'{tuple(channels)}, convs_per_block='
                             f'{convs_per_block}.')
        self.n_mels = n_mels
        self.in_channels = in_channels
        self.mel_norm = nn.BatchNorm2d(n_mels)
        self.block_names = []
        width = in_channels
        for i, out in enumerate(channels):
            layers: List[nn.Module] = []
            for _ in range(convs_per_block):
                layers.append(
                    ConvModule(
                        width,
                        out,
                        3,
                        padding=1,
                        norm_cfg=norm_cfg,
                        act_cfg=act_cfg))
                width = out
            layers.append(nn.AvgPool2d(2, ceil_mode=True))
            self.add_module(f'block{i + 1}', nn.Sequential(*layers))
            self.block_names.append(f'block{i + 1}')
        self.out_channels = width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, M, W)`` log-mel to ``(B, C, M', W')``."""
        if (x.dim() != 4 or x.shape[1] != self.in_channels
                or x.shape[2] != self.n_mels):
            raise ValueError(
                f'AudioCNN expects log-mel spectrograms (B, '
                f'{self.in_channels}, {self.n_mels}, W), got shape '
                f'{tuple(x.shape)}; its n_mels must be the n_mels of the '
                "pipeline's LogMelSpectrogram.")
        x = self.mel_norm(x.transpose(1, 2)).transpose(1, 2)
        for name in self.block_names:
            x = getattr(self, name)(x)
        return x
