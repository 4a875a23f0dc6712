"""Parameters, FLOPs, feature shapes and CPU time of a config's model for
one clip (batch 1) of ``T`` frames of ``3 x H x W``, fed as
``(1, T, 3, H, W)`` to 2D recognizers and ECO and as ``(1, 1, 3, T, H, W)``
to 3D ones, and/or ``S`` log-mel segments of ``M`` mels x ``W`` frames, fed
as ``(1, S, 1, M, W)``. A model with audio (``RecognizerAudioVisual``)
takes a dict of its inputs.

The model runs from ``extract_feat(stage='head')``, so the head's linear
layers are counted; the data preprocessor (normalisation) is not run. No
data and no weights are needed: the model is built from the config without
``init_weights``.

FLOPs are counted by MMEngine's ``FlopAnalyzer`` (a port of fvcore's counter)
from a trace of the forward pass: one multiply-add of a convolution or a
linear layer counts as one FLOP (biases are not counted), and batch norm in
eval mode as 2 per element (scale and shift). Pooling, ReLU, residual
additions and averages count nothing. Parameters are counted by MMEngine's
``parameter_count``.
"""
import os.path as osp
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config

from ..utils import audio_shape, clip_shape, markdown_table

#: Order of a recognizer's parts in the tables; an audio-visual recognizer's
#: visual recognizer (``visual``) gives its own parts in its place.
PART_ORDER = ('visual', 'backbone', 'backbone_3d', 'backbone_2d', 'neck',
              'audio_backbone', 'cls_head')
#: Parts whose stages the layers table lists.
BACKBONES = ('backbone', 'backbone_3d', 'backbone_2d', 'audio_backbone')
#: What the parts are called in ECO (``RecognizerECO``) and in other models.
ECO_LABELS = {
    'backbone': '2D trunk',
    'backbone_3d': '3D part',
    'backbone_2d': '2D branch',
    'audio_backbone': 'audio backbone',
    'cls_head': 'head'
}
OTHER_LABELS = {'audio_backbone': 'audio backbone', 'cls_head': 'head'}
#: A clip's inputs: the frames, or a dict of the model's inputs.
Inputs = Union[torch.Tensor, Dict[str, torch.Tensor]]


@dataclass
class Part:
    """A direct submodule of the recognizer."""
    label: str
    name: str
    params: int
    flops: int
    input_shape: str
    output_shape: str


@dataclass
class Stage:
    """A stage of a part; ``params`` is ``None`` where another row holds
    them (ECO Full's tap is inside inception_3c)."""
    part: str
    name: str
    params: Optional[int]
    output_shape: str


@dataclass
class ComplexityReport:
    """Complexity of one config's model for one clip; ``frames`` and
    ``size`` are ``None`` for a model without frames; ``audio`` is the
    ``(segments, mels, frames)`` of the log-mel input, ``None`` for a model
    without sound."""
    name: str
    frames: Optional[int]
    size: Optional[Tuple[int, int]]
    params: int
    flops: int
    parts: List[Part] = field(default_factory=list)
    stages: List[Stage] = field(default_factory=list)
    seconds: Optional[float] = None
    threads: Optional[int] = None
    audio: Optional[Tuple[int, int, int]] = None


class ClipForward(nn.Module):
    """Runs a recognizer from its inputs to its head's output; the inputs of
    a model taking a dict come as tensors, in the order of ``keys`` (a trace
    takes tensors)."""

    def __init__(self,
                 model: nn.Module,
                 keys: Optional[Sequence[str]] = None) -> None:
        super().__init__()
        self.model = model
        self.keys = keys

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        feed = inputs[0] if self.keys is None else dict(zip(self.keys, inputs))
        return self.model.extract_feat(feed, stage='head')[0]


def clip_forward(model: nn.Module,
                 inputs: Inputs) -> Tuple[ClipForward, Tuple[torch.Tensor]]:
    """:class:`ClipForward` of ``model`` and the tensors it takes."""
    if isinstance(inputs, dict):
        return ClipForward(model, tuple(inputs)), tuple(inputs.values())
    return ClipForward(model), (inputs, )


def build_model(
    config: str,
    frames: Optional[int] = None,
    size: Optional[Tuple[int, int]] = None
) -> Tuple[nn.Module, Optional[int], Optional[Tuple[int, int]], Optional[str],
           Optional[Tuple[int, int, int]]]:
    """The config's model in eval mode, the frames and ``(H, W)`` of its
    clips, their layout (the frames' data preprocessor's ``format_shape``)
    and the ``(segments, mels, frames)`` of its log-mel input; frames, size
    and layout are ``None`` for an audio-only model, the audio for a model
    without sound.

    ``frames`` and ``size`` default to those of the config's test pipeline
    (:func:`~emovid_mm.utils.clip_shape`); ``frames`` also sets
    ``num_segments`` (ECO) where the config's model or its visual branch
    has it. The audio is that of the test pipeline
    (:func:`~emovid_mm.utils.audio_shape`).

    Raises:
        FileNotFoundError: No file at ``config``.
        ValueError: ``frames`` or ``size`` not given and not in the test
            pipeline, or given for an audio-only model.
    """
    if not osp.isfile(config):
        raise FileNotFoundError(f'Config file not found: {config}')
    register_all_modules()
    import emovid_mm  # noqa: F401, registers the plugin's modules
    cfg = Config.fromfile(config)
    audio = audio_shape(cfg)
    visual = cfg.model.get('visual', cfg.model)
    preprocessor = cfg.model.get('data_preprocessor', {})
    if preprocessor.get('type') == 'MultiModalDataPreprocessor':
        preprocessor = preprocessor.preprocessors.get('imgs', {})
    try:
        test_clip = clip_shape(cfg)
    except ValueError as e:
        if frames is None or size is None:
            raise ValueError(f'{e} Give the frames and size of a clip '
                             '(--frames T --size H W).') from None
        test_clip = (frames, size)
    if test_clip is None:
        if frames is not None or size is not None:
            raise ValueError(f'{config} is an audio-only model: it takes no '
                             'frames; do not give their number or size.')
        model = MODELS.build(cfg.model).eval()
        return model, None, None, None, audio
    frames, size = frames or test_clip[0], size or test_clip[1]
    if visual is not None and 'num_segments' in visual:
        visual.num_segments = frames
    layout = preprocessor.get('format_shape', 'NCHW')
    model = MODELS.build(cfg.model).eval()
    return model, frames, tuple(size), layout, audio


def dummy_inputs(model: nn.Module, frames: Optional[int],
                 size: Optional[Tuple[int, int]], layout: Optional[str],
                 audio: Optional[Tuple[int, int, int]]) -> Inputs:
    """One clip as the model takes it: the frames of :func:`dummy_clip`
    alone, or for a model with audio a dict of them (if any) under its
    ``visual_key`` and the log-mel segments ``(1, S, 1, M, W)`` under its
    ``audio_key``."""
    if audio is None:
        return dummy_clip(frames, size, layout)
    inputs = {model.audio_key: torch.randn(1, audio[0], 1, *audio[1:])}
    if frames is not None:
        inputs = {model.visual_key: dummy_clip(frames, size, layout), **inputs}
    return inputs


def dummy_clip(frames: int, size: Tuple[int, int],
               layout: str) -> torch.Tensor:
    """One clip as a recognizer takes it: ``(1, T, 3, H, W)`` for 2D
    models and ECO (``'NCHW'``), ``(1, 1, 3, T, H, W)`` for 3D ones
    (``'NCTHW'``)."""
    if layout == 'NCHW':
        return torch.randn(1, frames, 3, *size)
    if layout == 'NCTHW':
        return torch.randn(1, 1, 3, frames, *size)
    raise ValueError(f'Unsupported format_shape {layout!r}, expected NCHW '
                     'or NCTHW.')


def model_parts(model: nn.Module,
                params: dict,
                prefix: str = '') -> List[Tuple[str, str, nn.Module]]:
    """``(label, attribute path, module)`` of the recognizer's submodules
    with parameters, in :data:`PART_ORDER`; an audio-visual recognizer's
    visual recognizer gives its own parts (``visual.backbone``, ...).
    ``params`` are the counts of the whole model's modules, ``prefix`` the
    path of ``model`` in it."""
    labels = ECO_LABELS if hasattr(model, 'backbone_3d') else OTHER_LABELS
    children = [(name, child) for name, child in model.named_children()
                if params.get(prefix + name)]
    children.sort(key=lambda item: PART_ORDER.index(item[0])
                  if item[0] in PART_ORDER else len(PART_ORDER))
    parts = []
    for name, child in children:
        if name == 'visual':
            parts += model_parts(child, params, f'{prefix}visual.')
        else:
            parts.append((labels.get(name, name), prefix + name, child))
    return parts


def stage_modules(
        part: nn.Module) -> List[Tuple[str, nn.Module, Optional[str]]]:
    """``(name, hooked module, submodule holding the parameters)`` per stage
    of a backbone, in forward order.

    A stage that is a list of blocks (``ECOResNet3d``'s res3-res5) is read
    from its last block. ECO Full's trunk (``BNInception`` with
    ``eco_tap``) computes its last stage through ``tap`` and ``finish``, not
    its forward: the tap is read from the convolution that makes it and the
    stage's output from the trunk's.
    """
    stages: List[Tuple[str, nn.Module, Optional[str]]] = []
    names = [name for name, _ in part.named_children()]
    for name, stage in part.named_children():
        if getattr(part, 'eco_tap', False) and name == names[-1]:
            stages.append((f'{name} tap', stage.conv_double_3x3_1, None))
            stages.append((name, part, name))
        elif getattr(stage, 'tap_only', False):
            stages.append((f'{name} (tap)', stage, name))
        elif isinstance(stage, nn.ModuleList):
            stages.append((name, stage[-1], name))
        else:
            stages.append((name, stage, name))
    return stages


def record_shapes(model: nn.Module, inputs: Inputs,
                  modules: Sequence[nn.Module]) -> List[Tuple[Any, Any]]:
    """``(first input, output)`` shapes of each module in one forward pass;
    a tuple output gives a tuple of shapes."""

    def shapes(value: Any) -> Any:
        if isinstance(value, (tuple, list)):
            return tuple(shapes(v) for v in value)
        return tuple(value.shape) if isinstance(value, torch.Tensor) else None

    seen: List[Tuple[Any, Any]] = [(None, None)] * len(modules)

    def hook(index: int):

        def record(module: nn.Module, args: tuple, output: Any) -> None:
            seen[index] = (shapes(args[0]) if args else None, shapes(output))

        return record

    handles = [
        module.register_forward_hook(hook(i))
        for i, module in enumerate(modules)
    ]
    try:
        forward, args = clip_forward(model, inputs)
        with torch.no_grad():
            forward(*args)
    finally:
        for handle in handles:
            handle.remove()
    return seen


def format_shape(shape: Any) -> str:
    """``(1, 512, 2, 7, 7)``; several tensors joined by ``+``."""
    if shape and isinstance(shape[0], tuple):
        return ' + '.join(format_shape(s) for s in shape)
    return str(shape)


def last_shape(shape: Any) -> Any:
    """The last tensor's shape of a tuple output (ECO Full's trunk returns
    ``(tap, out)``, ``ECOBlock3d`` ``(sum, activation)``)."""
    while shape and isinstance(shape[0], tuple):
        shape = shape[-1]
    return shape


def time_forward(model: nn.Module, inputs: Inputs, runs: int) -> float:
    """Median seconds of ``runs`` forward passes after one warm-up pass."""
    forward, args = clip_forward(model, inputs)
    times = []
    with torch.no_grad():
        forward(*args)
        for _ in range(runs):
            start = time.perf_counter()
            forward(*args)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def analyse(config: str,
            frames: Optional[int] = None,
            size: Optional[Tuple[int, int]] = None,
            runs: int = 0) -> ComplexityReport:
    """Measure one config's model on one clip (by default the config's test
    clip, see :func:`build_model`); time it if ``runs > 0``."""
    model, frames, size, layout, audio = build_model(config, frames, size)
    inputs = dummy_inputs(model, frames, size, layout, audio)
    analyzer = FlopAnalyzer(*clip_forward(model, inputs))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    analyzer.tracer_warnings('none')
    flops = analyzer.by_module()
    params = parameter_count(model)

    parts = model_parts(model, params)
    # (part label, stage name, hooked module, key of its parameters)
    stages = []
    for label, name, part in parts:
        if name.rsplit('.', 1)[-1] not in BACKBONES:
            stages.append((label, name, part, name))
            continue
        stages += [(label, stage, hooked, holder and f'{name}.{holder}')
                   for stage, hooked, holder in stage_modules(part)]
    seen = record_shapes(model, inputs, [part for *_, part in parts] +
                         [hooked for _, _, hooked, _ in stages])

    report = ComplexityReport(
        osp.splitext(osp.basename(config))[0],
        frames,
        size,
        params[''],
        analyzer.total(),
        audio=audio)
    for (label, name, _), (shape_in, shape_out) in zip(parts, seen):
        report.parts.append(
            Part(label, name, params[name], flops[f'model.{name}'],
                 format_shape(shape_in), format_shape(shape_out)))
    for (label, stage, _, key), (_, shape_out) in zip(stages,
                                                      seen[len(parts):]):
        if shape_out is None:  # the module did not run
            continue
        report.stages.append(
            Stage(label, stage, key and params[key],
                  format_shape(last_shape(shape_out))))
    if runs > 0:
        report.seconds = time_forward(model, inputs, runs)
        report.threads = torch.get_num_threads()
    return report


def input_text(report: ComplexityReport) -> str:
    """``3x224x224`` (a frame), ``8x64x96 log-mel`` (segments x mels x
    frames), or both joined by ``+``."""
    inputs = []
    if report.size is not None:
        inputs.append(f'3x{report.size[0]}x{report.size[1]}')
    if report.audio is not None:
        inputs.append('x'.join(map(str, report.audio)) + ' log-mel')
    return ' + '.join(inputs)


def clip_text(report: ComplexityReport) -> str:
    """What one clip of the report is, e.g. ``8 frames of 3x224x224 and
    8 log-mel segments of 64x96``."""
    inputs = []
    if report.size is not None:
        inputs.append(f'{report.frames} frames of '
                      f'3x{report.size[0]}x{report.size[1]}')
    if report.audio is not None:
        segments, mels, frames = report.audio
        inputs.append(f'{segments} log-mel segments of {mels}x{frames}')
    return ' and '.join(inputs)


def summary_table(reports: Sequence[ComplexityReport], runs: int = 0) -> str:
    """One row per config, with CPU times if ``runs``."""
    header = [
        'model', 'frames', 'input', 'params (M)', 'params', 'GFLOPs/clip',
        'FLOPs/clip'
    ]
    if runs:
        header += [f'CPU ms/clip (median of {runs})', 'threads']
    rows = []
    for r in reports:
        row = [
            r.name, '-' if r.frames is None else r.frames,
            input_text(r), f'{r.params / 1e6:.2f}', f'{r.params:,}',
            f'{r.flops / 1e9:.2f}', f'{r.flops:,}'
        ]
        if runs:
            row += [f'{r.seconds * 1e3:.0f}', r.threads]
        rows.append(row)
    return markdown_table(header, rows)


def parts_table(report: ComplexityReport) -> str:
    """One row per part of a model."""
    rows = [[
        p.label, f'`{p.name}`', f'{p.params:,}', f'{p.flops:,}',
        f'{100 * p.flops / report.flops:.1f}', p.input_shape, p.output_shape
    ] for p in report.parts]
    return markdown_table([
        'part', 'module', 'params', 'FLOPs/clip', 'FLOPs %', 'input shape',
        'output shape'
    ], rows)


def layers_table(report: ComplexityReport) -> str:
    """One row per stage of a model."""
    rows = [[
        s.part, s.name, s.output_shape,
        '-' if s.params is None else f'{s.params:,}'
    ] for s in report.stages]
    return markdown_table(['part', 'stage', 'output shape', 'params'], rows)
