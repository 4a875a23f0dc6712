"""The audio backbone's choice, measured: parameters, FLOPs and CPU training
time of :class:`~emovid_mm.models.backbones.AudioCNN` beside MMAction2's
audio backbones on the log-mel input of one clip.

The input of a clip is ``segments`` log-mel segments of ``1 x mels x
frames`` (the configs' 8 x (1, 64, 96): 64 mels, 96 frames of 10 ms), which
a backbone sees as a batch of ``segments`` spectrograms. The backbones:

* ``AudioCNN`` with its defaults (and ``n_mels=mels``);
* ``ResNetAudio`` exactly as MMAction2's ``audioonly_r50.py`` model base
  configures it (depth 50, ``RESNET_AUDIO_CONFIG``, read from MMAction2's
  installed configs); 50 is also the smallest depth ``ResNetAudio`` supports
  (its ``arch_settings``: 50, 101, 152), so no smaller one is measured;
* MMAction2's other audio backbone, ``ResNet`` of depth 18 on one input
  channel, as its ``tsn_r18_audio.py`` model base configures it
  (``RESNET18_AUDIO_CONFIG``).

Per backbone: parameters (MMEngine's ``parameter_count``); the output map of
one segment; FLOPs of one clip, counted as in
:mod:`~emovid_mm.analysis.model_complexity` (MMEngine's ``FlopAnalyzer``
in eval mode: a multiply-add of a convolution is one FLOP, batch norm 2 per
element); and the CPU time of a training pass on a batch of ``batch_size``
clips (``batch_size * segments`` spectrograms of random values): forward in
training mode, the mean of the output map as the loss, backward; the
median of ``runs`` passes after one warm-up pass, on
``torch.get_num_threads()`` threads. The weights are PyTorch's default
random ones (``init_weights`` is not run: the counts and times do not
depend on the values).
"""
import os.path as osp
import statistics
import time
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import mmaction
import torch
import torch.nn as nn
from mmaction.models.backbones import ResNetAudio
from mmaction.registry import MODELS
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ..utils import markdown_table

_MODELS = osp.join(
    osp.dirname(mmaction.__file__), '.mim', 'configs', '_base_', 'models')
#: MMAction2's model base with ``ResNetAudio`` (depth 50).
RESNET_AUDIO_CONFIG = osp.join(_MODELS, 'audioonly_r50.py')
#: MMAction2's model base with a 1-channel ``ResNet`` of depth 18.
RESNET18_AUDIO_CONFIG = osp.join(_MODELS, 'tsn_r18_audio.py')


@dataclass
class AudioBackboneReport:
    """What :func:`benchmark_audio_backbones` measured of one backbone."""

    name: str
    source: str
    params: int
    flops: int
    out_shape: Tuple[int, ...]
    seconds: List[float]
    threads: int


def candidates(mels: int) -> List[Tuple[str, str, dict]]:
    """``(name, where its config comes from, backbone config)`` of each
    backbone measured."""
    rows = [('AudioCNN', 'emovid_mm defaults',
             dict(type='AudioCNN', n_mels=mels))]
    for name, config in (('ResNetAudio-50', RESNET_AUDIO_CONFIG),
                         ('ResNet-18, 1 channel', RESNET18_AUDIO_CONFIG)):
        backbone = Config.fromfile(config).model.backbone.to_dict()
        rows.append((name, f'MMAction2 {osp.basename(config)}', backbone))
    return rows


def smallest_resnet_audio_depth() -> int:
    """The smallest depth ``ResNetAudio`` builds."""
    return min(ResNetAudio.arch_settings)


def time_training_pass(backbone: nn.Module, inputs: torch.Tensor,
                       runs: int) -> List[float]:
    """Seconds of ``runs`` forward + backward passes after one warm-up."""
    backbone.train()
    times = []
    for _ in range(runs + 1):
        backbone.zero_grad(set_to_none=True)
        start = time.perf_counter()
        backbone(inputs).mean().backward()
        times.append(time.perf_counter() - start)
    return times[1:]


def benchmark_audio_backbones(segments: int = 8,
                              mels: int = 64,
                              frames: int = 96,
                              batch_size: int = 8,
                              runs: int = 5) -> List[AudioBackboneReport]:
    """Measure each backbone of :func:`candidates` on clips of
    ``segments x (1, mels, frames)`` log-mel.

    Raises:
        ValueError: An argument is below 1.
    """
    if min(segments, mels, frames, batch_size, runs) < 1:
        raise ValueError(
            'segments, mels, frames, batch_size and runs must be >= 1, got '
            f'{segments}, {mels}, {frames}, {batch_size}, {runs}.')
    init_default_scope('mmaction')
    import emovid_mm.models  # noqa: F401, registers AudioCNN
    reports = []
    for name, source, cfg in candidates(mels):
        torch.manual_seed(0)
        backbone = MODELS.build(cfg)
        backbone.eval()  # ResNetAudio's train() returns None
        clip = torch.randn(segments, 1, mels, frames)
        analyzer = FlopAnalyzer(backbone, (clip, ))
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        analyzer.tracer_warnings('none')
        with torch.no_grad():
            out_shape = tuple(backbone(clip[:1]).shape[1:])
        batch = torch.randn(batch_size * segments, 1, mels, frames)
        reports.append(
            AudioBackboneReport(name, source,
                                parameter_count(backbone)[''],
                                analyzer.total(), out_shape,
                                time_training_pass(backbone, batch, runs),
                                torch.get_num_threads()))
    return reports


def audio_backbone_table(reports: Sequence[AudioBackboneReport], segments: int,
                         batch_size: int) -> str:
    """One row per backbone, with its size relative to the first's."""
    first = reports[0]
    rows = []
    for r in reports:
        median = statistics.median(r.seconds)
        rows.append([
            r.name, r.source, f'{r.params:,}',
            f'{r.params / first.params:.1f}', f'{r.flops / 1e9:.2f}',
            f'{r.flops / first.flops:.1f}', ' x '.join(map(str, r.out_shape)),
            f'{median * 1e3:.0f} ({min(r.seconds) * 1e3:.0f}-'
            f'{max(r.seconds) * 1e3:.0f})', r.threads
        ])
    runs = len(first.seconds)
    return markdown_table([
        'backbone', 'config', 'params', 'x params', 'GFLOPs/clip', 'x FLOPs',
        "output per segment (C x M' x W')",
        f'CPU ms fwd+bwd, {batch_size} clips = {batch_size * segments} '
        f'segments (median, least-most of {runs})', 'threads'
    ], rows)
