"""Parameters, FLOPs, feature shapes and CPU time of a config's model for
one clip (batch 1) of ``T`` frames of ``3 x H x W``, fed as
``(1, T, 3, H, W)`` to 2D recognizers and ECO and as ``(1, 1, 3, T, H, W)``
to 3D ones.

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
from typing import Any, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config

from ..utils import clip_shape, markdown_table

#: Order of a recognizer's parts in the tables.
PART_ORDER = ('backbone', 'backbone_3d', 'backbone_2d', 'neck', 'cls_head')
#: What the parts are called in ECO (``RecognizerECO``) and in other models.
ECO_LABELS = {
    'backbone': '2D trunk',
    'backbone_3d': '3D part',
    'backbone_2d': '2D branch',
    'cls_head': 'head'
}
OTHER_LABELS = {'cls_head': 'head'}


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
    """Complexity of one config's model for one clip."""
    name: str
    frames: int
    size: Tuple[int, int]
    params: int
    flops: int
    parts: List[Part] = field(default_factory=list)
    stages: List[Stage] = field(default_factory=list)
    seconds: Optional[float] = None
    threads: Optional[int] = None


class ClipForward(nn.Module):
    """Runs a recognizer from its inputs to its head's output."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model.extract_feat(inputs, stage='head')[0]


def build_model(
    config: str,
    frames: Optional[int] = None,
    size: Optional[Tuple[int, int]] = None
) -> Tuple[nn.Module, int, Tuple[int, int], str]:
    """The config's model in eval mode, the frames and ``(H, W)`` of its
    clips and its input layout (the data preprocessor's ``format_shape``).

    ``frames`` and ``size`` default to those of the config's test pipeline
    (:func:`~emovid_mm.utils.clip_shape`); ``frames`` also sets
    ``model.num_segments`` (ECO) where the config has it.

    Raises:
        FileNotFoundError: No file at ``config``.
        ValueError: ``frames`` or ``size`` not given and not in the test
            pipeline.
    """
    if not osp.isfile(config):
        raise FileNotFoundError(f'Config file not found: {config}')
    register_all_modules()
    import emovid_mm  # noqa: F401, registers the plugin's modules
    cfg = Config.fromfile(config)
    if frames is None or size is None:
        try:
            test_frames, test_size = clip_shape(cfg)
        except ValueError as e:
            raise ValueError(f'{e} Give the frames and size of a clip '
                             '(--frames T --size H W).') from None
        frames, size = frames or test_frames, size or test_size
    if 'num_segments' in cfg.model:
        cfg.model.num_segments = frames
    layout = cfg.model.get('data_preprocessor', {}).get('format_shape',
                                                        'NCHW')
    model = MODELS.build(cfg.model).eval()
    return model, frames, tuple(size), layout


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
                params: dict) -> List[Tuple[str, str, nn.Module]]:
    """``(label, attribute, module)`` of the recognizer's submodules with
    parameters, in :data:`PART_ORDER`."""
    labels = ECO_LABELS if hasattr(model, 'backbone_3d') else OTHER_LABELS
    children = [(name, child) for name, child in model.named_children()
                if params.get(name)]
    children.sort(key=lambda item: PART_ORDER.index(item[0])
                  if item[0] in PART_ORDER else len(PART_ORDER))
    return [(labels.get(name, name), name, child) for name, child in children]


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


def record_shapes(model: nn.Module, inputs: torch.Tensor,
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
        with torch.no_grad():
            ClipForward(model)(inputs)
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


def time_forward(model: nn.Module, inputs: torch.Tensor, runs: int) -> float:
    """Median seconds of ``runs`` forward passes after one warm-up pass."""
    forward = ClipForward(model)
    times = []
    with torch.no_grad():
        forward(inputs)
        for _ in range(runs):
            start = time.perf_counter()
            forward(inputs)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def analyse(config: str,
            frames: Optional[int] = None,
            size: Optional[Tuple[int, int]] = None,
            runs: int = 0) -> ComplexityReport:
    """Measure one config's model on one clip (by default the config's test
    clip, see :func:`build_model`); time it if ``runs > 0``."""
    model, frames, size, layout = build_model(config, frames, size)
    inputs = dummy_clip(frames, size, layout)
    analyzer = FlopAnalyzer(ClipForward(model), (inputs, ))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    analyzer.tracer_warnings('none')
    flops = analyzer.by_module()
    params = parameter_count(model)

    parts = model_parts(model, params)
    # (part label, stage name, hooked module, key of its parameters)
    stages = []
    for label, name, part in parts:
        if not name.startswith('backbone'):
            stages.append((label, name, part, name))
            continue
        stages += [(label, stage, hooked, holder and f'{name}.{holder}')
                   for stage, hooked, holder in stage_modules(part)]
    seen = record_shapes(model, inputs, [part for *_, part in parts] +
                         [hooked for _, _, hooked, _ in stages])

    report = ComplexityReport(
        osp.splitext(osp.basename(config))[0], frames, size, params[''],
        analyzer.total())
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
            r.name, r.frames, f'3x{r.size[0]}x{r.size[1]}',
            f'{r.params / 1e6:.2f}', f'{r.params:,}', f'{r.flops / 1e9:.2f}',
            f'{r.flops:,}'
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
