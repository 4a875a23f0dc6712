"""BN-Inception (Ioffe & Szegedy, 2015), the 2D network of TSN and ECO.

The layout is that of the Caffe model that the TSN and ECO PyTorch code
bases converted (``bn_inception.yaml``), with the branch widths of the
architecture table in the paper's appendix. Module names mirror the
reference ones, so that reference weights load through
:func:`convert_reference_bninception`.
"""
from collections import OrderedDict
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.logging import print_log
from mmengine.model import BaseModule
from mmengine.runner.checkpoint import _load_checkpoint
from torch.nn.modules.batchnorm import _BatchNorm

#: The stages of BN-Inception, in order.
STAGES = ('stem', 'inception_3a', 'inception_3b', 'inception_3c',
          'inception_4a', 'inception_4b', 'inception_4c', 'inception_4d',
          'inception_4e', 'inception_5a', 'inception_5b')

#: ``last_stage`` of ECO Lite's trunk: up to ``inception_3c_double_3x3_1``.
ECO_LITE_LAST_STAGE = 'inception_3c_double_3x3_1'


class _BlockSpec(NamedTuple):
    """One inception block: its convolutions' output channels, its
    pooling (``'avg'`` or ``'max'``) and its stride.

    ``conv_1x1`` and ``pool_proj`` are ``None`` in the stride-2 blocks, which
    pass their max-pooled input through instead.
    """
    conv_1x1: Optional[int]
    conv_3x3_reduce: int
    conv_3x3: int
    double_3x3_reduce: int
    double_3x3: int
    pool: str
    pool_proj: Optional[int]
    stride: int = 1

    def out_channels(self, in_channels: int) -> int:
        return ((self.conv_1x1 or 0) + self.conv_3x3 + self.double_3x3 +
                (self.pool_proj or in_channels))


_BLOCKS: Dict[str, _BlockSpec] = {
    'inception_3a': _BlockSpec(64, 64, 64, 64, 96, 'avg', 32),
    'inception_3b': _BlockSpec(64, 64, 96, 64, 96, 'avg', 64),
    'inception_3c': _BlockSpec(None, 128, 160, 64, 96, 'max', None, 2),
    'inception_4a': _BlockSpec(224, 64, 96, 96, 128, 'avg', 128),
    'inception_4b': _BlockSpec(192, 96, 128, 96, 128, 'avg', 128),
    'inception_4c': _BlockSpec(160, 128, 160, 128, 160, 'avg', 128),
    'inception_4d': _BlockSpec(96, 128, 192, 160, 192, 'avg', 128),
    'inception_4e': _BlockSpec(None, 128, 192, 192, 256, 'max', None, 2),
    'inception_5a': _BlockSpec(352, 192, 320, 160, 224, 'avg', 128),
    'inception_5b': _BlockSpec(352, 192, 320, 192, 224, 'max', 128),
}
_STEM_CONVS = ('conv1_7x7_s2', 'conv2_3x3_reduce', 'conv2_3x3')
_STEM_CHANNELS = 192


class _ConvBNReLU(nn.Sequential):
    """Convolution with bias, batch norm and ReLU, as in the reference."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int,
                 stride: int = 1,
                 padding: int = 0) -> None:
        super().__init__(
            OrderedDict(
                conv=nn.Conv2d(in_channels, out_channels, kernel_size,
                               stride, padding),
                bn=nn.BatchNorm2d(out_channels),
                relu=nn.ReLU(inplace=True)))


class _HalvingMaxPool(nn.Module):
    """3x3 stride-2 max pooling whose output size is that of the blocks'
    3x3 stride-2 pad-1 convolutions, ``ceil(H / 2)``.

    For even sizes it equals the reference's Caffe (ceil-mode) pooling. For
    odd sizes that pooling yields one row and column fewer than the
    convolutions, so the branches could not be concatenated (inception_4e
    at 112x112 input); an extra window over the last row and column fixes
    that.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, (0, 1, 0, 1), value=float('-inf'))
        return F.max_pool2d(x, 3, 2, ceil_mode=True)


class _Stem(nn.Sequential):
    """``(N, 3, H, W)`` -> ``(N, 192, H', W')`` with ``H' ~ H / 8``."""

    out_channels = _STEM_CHANNELS

    def __init__(self) -> None:
        super().__init__(
            OrderedDict(
                conv1_7x7_s2=_ConvBNReLU(3, 64, 7, stride=2, padding=3),
                pool1_3x3_s2=nn.MaxPool2d(3, 2, ceil_mode=True),
                conv2_3x3_reduce=_ConvBNReLU(64, 64, 1),
                conv2_3x3=_ConvBNReLU(64, _STEM_CHANNELS, 3, padding=1),
                pool2_3x3_s2=nn.MaxPool2d(3, 2, ceil_mode=True)))


def _in_channels(stage: str) -> int:
    """Input channels of a stage."""
    channels = 3
    for name in STAGES[:STAGES.index(stage)]:
        channels = (_STEM_CHANNELS if name == 'stem' else
                    _BLOCKS[name].out_channels(channels))
    return channels


class _InceptionBlock(nn.Module):
    """An inception block: the concatenation of a 1x1 branch, a 3x3 branch,
    a double-3x3 branch and a pooling branch.

    The reference layer ``inception_3a_<layer>`` (and its ``_bn``) is the
    module ``conv_<layer>`` here. With ``tap_only`` only the first two
    convolutions of the double-3x3 branch are built and the block returns
    their output, the *tap* (ECO's input to its 3D network).

    Args:
        in_channels (int): Input channels.
        spec (_BlockSpec): Widths, pooling and stride.
        tap_only (bool): Build and compute only the tap.
    """

    def __init__(self,
                 in_channels: int,
                 spec: _BlockSpec,
                 tap_only: bool = False) -> None:
        super().__init__()
        self.tap_only = tap_only
        self.conv_double_3x3_reduce = _ConvBNReLU(in_channels,
                                                  spec.double_3x3_reduce, 1)
        self.conv_double_3x3_1 = _ConvBNReLU(
            spec.double_3x3_reduce, spec.double_3x3, 3, padding=1)
        if tap_only:
            self.out_channels = spec.double_3x3
            return
        self.conv_1x1 = (
            _ConvBNReLU(in_channels, spec.conv_1x1, 1)
            if spec.conv_1x1 else None)
        self.conv_3x3_reduce = _ConvBNReLU(in_channels, spec.conv_3x3_reduce,
                                           1)
        self.conv_3x3 = _ConvBNReLU(
            spec.conv_3x3_reduce, spec.conv_3x3, 3, spec.stride, padding=1)
        self.conv_double_3x3_2 = _ConvBNReLU(
            spec.double_3x3, spec.double_3x3, 3, spec.stride, padding=1)
        if spec.stride == 2:
            self.pool = _HalvingMaxPool()
        elif spec.pool == 'max':
            self.pool = nn.MaxPool2d(3, 1, padding=1)
        else:
            self.pool = nn.AvgPool2d(3, 1, padding=1, count_include_pad=True)
        self.conv_pool_proj = (
            _ConvBNReLU(in_channels, spec.pool_proj, 1)
            if spec.pool_proj else None)
        self.out_channels = spec.out_channels(in_channels)

    def tap(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` -> the double-3x3 branch's first 3x3 output."""
        return self.conv_double_3x3_1(self.conv_double_3x3_reduce(x))

    def finish(self, x: torch.Tensor, tap: torch.Tensor) -> torch.Tensor:
        """The block's output ``(N, out_channels, H', W')`` from its input
        and its tap."""
        outs = [] if self.conv_1x1 is None else [self.conv_1x1(x)]
        outs.append(self.conv_3x3(self.conv_3x3_reduce(x)))
        outs.append(self.conv_double_3x3_2(tap))
        pooled = self.pool(x)
        if self.conv_pool_proj is not None:
            pooled = self.conv_pool_proj(pooled)
        outs.append(pooled)
        return torch.cat(outs, dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tap = self.tap(x)
        return tap if self.tap_only else self.finish(x, tap)


@MODELS.register_module()
class BNInception(BaseModule):
    """BN-Inception, whole or in parts, as used by TSN and ECO.

    Inception with batch normalisation (Ioffe & Szegedy, "Batch
    Normalization: Accelerating Deep Network Training by Reducing Internal
    Covariate Shift", ICML 2015) in the form of the Caffe model that the
    TSN and ECO reference code converted: every convolution has a bias and
    is followed by batch norm and ReLU; Caffe's ceil-mode pooling; average
    pooling in the pool branches except ``inception_5b``'s (max).

    Feature maps at 224x224 input (channels x size)::

        stem 192x28  3a 256x28  3b 320x28  3c 576x14
        4a 576x14  4b 576x14  4c 608x14  4d 608x14
        4e 1056x7  5a 1024x7  5b 1024x7

    The branch widths are those of the paper's architecture table and of
    the TSN/ECO model (``bn_inception.yaml``). The table gives 576 as the
    output of 4c and 4d and 1024 as that of 4e, but its branch widths add up
    to 608, 608 and 1056, which is what the reference model (and this one)
    has.

    Parameters without classifier: 10,270,240 (stem to 3c: 990,944; 4a to
    5b: 9,279,296; ECO Lite's trunk: 681,568). With a 1000-way classifier
    that is 11,295,240, the 11.3 M usually quoted for BN-Inception on
    ImageNet; with 400 classes (Kinetics) 10,680,240, the 10.7 M that the
    TSM paper (Lin et al., ICCV 2019) lists for TSN with BN-Inception.

    Parts: ``first_stage`` and ``last_stage`` select the stages built (see
    :data:`STAGES`), so ECO Full's per-frame trunk is
    ``last_stage='inception_3c'`` and its 2D branch
    ``first_stage='inception_4a'`` (576 input channels). With
    ``last_stage='inception_3c_double_3x3_1'`` the network ends inside
    inception_3c after the double-3x3 branch's ``reduce`` and first 3x3
    convolutions: ECO Lite's trunk, 96 channels at ``H / 8``. With
    ``eco_tap=True`` (and ``last_stage='inception_3c'``) forward returns
    that same 96-channel map together with the inception_3c output.

    Any input of at least 32x32 works; strided pooling in the stride-2
    blocks is padded so that odd sizes work too, unchanged for even ones.

    Args:
        first_stage (str): First stage built. Its input channels follow:
            3 for ``'stem'``, 576 for ``'inception_4a'``, ...
        last_stage (str): Last stage built, or
            ``'inception_3c_double_3x3_1'``.
        eco_tap (bool): Return ``(tap, out)``; needs
            ``last_stage='inception_3c'``.
        norm_eval (bool): Keep batch norm in eval mode during training.
        frozen_stages (int): Number of leading built stages whose
            parameters are frozen (and batch norm kept in eval mode).
        pretrained (str, optional): A local reference BN-Inception file
            (ImageNet, TSN or ECO checkpoint); only the keys of the stages
            built are loaded, on top of the default init.
        init_cfg (dict or list[dict], optional): Weight init config, by
            default Kaiming for convolutions, 1 and 0 for batch norm.
    """

    def __init__(self,
                 first_stage: str = 'stem',
                 last_stage: str = 'inception_5b',
                 eco_tap: bool = False,
                 norm_eval: bool = False,
                 frozen_stages: int = 0,
                 pretrained: Optional[str] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        if pretrained is not None and init_cfg is not None:
            raise ValueError('Give either pretrained or init_cfg, not both.')
        super().__init__(init_cfg=init_cfg or [
            dict(type='Kaiming', layer='Conv2d'),
            dict(type='Constant', layer='BatchNorm2d', val=1, bias=0)
        ])
        if first_stage not in STAGES:
            raise ValueError(f'Unknown first_stage {first_stage!r}, expected '
                             f'one of {STAGES}.')
        if last_stage not in STAGES + (ECO_LITE_LAST_STAGE, ):
            raise ValueError(
                f'Unknown last_stage {last_stage!r}, expected one of '
                f'{STAGES + (ECO_LITE_LAST_STAGE, )}.')
        tap_only = last_stage == ECO_LITE_LAST_STAGE
        first = STAGES.index(first_stage)
        last = STAGES.index('inception_3c' if tap_only else last_stage)
        if first > last:
            raise ValueError(f'first_stage {first_stage!r} comes after '
                             f'last_stage {last_stage!r}.')
        if eco_tap and last_stage != 'inception_3c':
            raise ValueError("eco_tap=True needs last_stage='inception_3c', "
                             f'got {last_stage!r}.')
        if not 0 <= frozen_stages <= last - first + 1:
            raise ValueError(f'frozen_stages={frozen_stages} is not between '
                             f'0 and the {last - first + 1} stages built.')

        self.in_channels = channels = _in_channels(first_stage)
        for name in STAGES[first:last + 1]:
            stage = _Stem() if name == 'stem' else _InceptionBlock(
                channels, _BLOCKS[name], tap_only and name == 'inception_3c')
            self.add_module(name, stage)
            channels = stage.out_channels
        self.stage_names = STAGES[first:last + 1]
        self.out_channels = channels
        self.tap_channels: Optional[int] = (
            _BLOCKS['inception_3c'].double_3x3
            if eco_tap or tap_only else None)
        self.eco_tap = eco_tap
        self.norm_eval = norm_eval
        self.frozen_stages = frozen_stages
        self.pretrained = pretrained
        for name in self.stage_names[:frozen_stages]:
            for param in getattr(self, name).parameters():
                param.requires_grad = False

    def init_weights(self) -> None:
        """Default (or ``init_cfg``) init, then the ``pretrained`` file."""
        super().init_weights()
        if self.pretrained is not None:
            self._load_reference(self.pretrained)

    def _load_reference(self, filename: str) -> None:
        checkpoint = _load_checkpoint(filename, map_location='cpu')
        state_dict = checkpoint.get('state_dict', checkpoint)
        converted, unknown = _convert(state_dict)
        own = self.state_dict()
        ours = {k: v for k, v in converted.items() if k in own}
        self.load_state_dict(ours, strict=False)
        # Files from before PyTorch 0.4.1 have no num_batches_tracked.
        missing = [
            k for k in own
            if k not in ours and not k.endswith('num_batches_tracked')
        ]
        unused = unknown + [k for k in converted if k not in own]
        print_log(
            f'BNInception: loaded {len(ours)} tensors from {filename}; '
            f'missing: {missing or "none"}; unused: {unused or "none"}.',
            logger='current')

    def forward(
        self, x: torch.Tensor
    ) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
        """``(N, in_channels, H, W)`` -> ``(N, out_channels, H', W')``, or
        ``(tap, out)`` with ``eco_tap``, the tap ``(N, 96, H / 8, W / 8)``.
        """
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f'Expected (N, {self.in_channels}, H, W) input, '
                             f'got {tuple(x.shape)}.')
        *stages, last = (getattr(self, name) for name in self.stage_names)
        for stage in stages:
            x = stage(x)
        if not self.eco_tap:
            return last(x)
        tap = last.tap(x)
        return tap, last.finish(x, tap)

    def train(self, mode: bool = True) -> 'BNInception':
        """Set the mode, keeping frozen stages (and with ``norm_eval`` all
        batch norm) in eval mode."""
        super().train(mode)
        for name in self.stage_names[:self.frozen_stages]:
            getattr(self, name).eval()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self


def _reference_layers() -> Dict[str, str]:
    """Reference convolution names -> module paths here, e.g.
    ``'conv2_3x3'`` -> ``'stem.conv2_3x3'`` and ``'inception_3c_3x3'`` ->
    ``'inception_3c.conv_3x3'``."""
    layers = {name: f'stem.{name}' for name in _STEM_CONVS}
    for stage, spec in _BLOCKS.items():
        names = ['1x1'] if spec.conv_1x1 else []
        names += ['3x3_reduce', '3x3', 'double_3x3_reduce', 'double_3x3_1',
                  'double_3x3_2']
        names += ['pool_proj'] if spec.pool_proj else []
        layers.update({f'{stage}_{n}': f'{stage}.conv_{n}' for n in names})
    return layers


_REFERENCE_LAYERS = _reference_layers()
_REFERENCE_PREFIXES = ('module.', 'base_model.')
_CLASSIFIERS = ('fc', 'fc_final', 'new_fc', 'last_linear')
_CONV_PARAMS = ('weight', 'bias')
_BN_PARAMS = ('weight', 'bias', 'running_mean', 'running_var',
              'num_batches_tracked')


def _convert(
    state_dict: Dict[str, torch.Tensor]
) -> Tuple[Dict[str, torch.Tensor], List[str]]:
    """:func:`convert_reference_bninception`'s result and the keys it could
    not place."""
    out, unknown = {}, []
    for key, value in state_dict.items():
        name = key
        for prefix in _REFERENCE_PREFIXES:
            name = name[len(prefix):] if name.startswith(prefix) else name
        layer, _, param = name.rpartition('.')
        if layer in _CLASSIFIERS:
            continue
        is_bn = layer.endswith('_bn')
        path = _REFERENCE_LAYERS.get(layer[:-3] if is_bn else layer)
        if path is None or param not in (_BN_PARAMS
                                         if is_bn else _CONV_PARAMS):
            unknown.append(key)
            continue
        # Caffe-converted files hold the vectors as (1, C).
        is_vector = is_bn or param == 'bias'
        if is_vector and value.dim() == 2 and value.shape[0] == 1:
            value = value[0]
        out[f'{path}.{"bn" if is_bn else "conv"}.{param}'] = value
    return out, unknown


def convert_reference_bninception(
        state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename a reference BN-Inception state dict to :class:`BNInception`'s
    names.

    The ``module.`` and ``base_model.`` prefixes of TSN and ECO checkpoints
    are stripped and the classifier (``fc``, ``new_fc``, ``fc_final``,
    ``last_linear``) is dropped. ``conv1_7x7_s2.weight`` becomes
    ``stem.conv1_7x7_s2.conv.weight``, ``inception_3a_1x1_bn.running_mean``
    becomes ``inception_3a.conv_1x1.bn.running_mean``: the reference layer
    ``<stage>_<layer>`` is the module ``<stage>.conv_<layer>`` (the stem's
    layers are ``stem.<layer>``), its convolution ``.conv`` and its ``_bn``
    twin ``.bn``. Vectors stored as ``(1, C)`` become ``(C, )``.

    Raises:
        ValueError: Keys that are not BN-Inception's, listed.
    """
    out, unknown = _convert(state_dict)
    if unknown:
        raise ValueError(f'Not BN-Inception keys: {unknown}.')
    return out
