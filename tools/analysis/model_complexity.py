"""Parameters, FLOPs, feature shapes and CPU time of the models of configs.

    python tools/analysis/model_complexity.py CONFIG [CONFIG ...] \
        [--frames T] [--size H W] [--parts] [--layers] [--time N]

Prints markdown tables for one clip (batch 1) of ``T`` frames of
``3 x H x W``, by default ``model.num_segments`` frames (8 if the config has
none) of 224x224, fed as ``(1, T, 3, H, W)`` to 2D recognizers and ECO and as
``(1, 1, 3, T, H, W)`` to 3D ones:

* one row per config: parameters, FLOPs per clip and, with ``--time N``, the
  median CPU forward time per clip over ``N`` runs after a warm-up run
  (eval mode, ``torch.no_grad``; ``torch.get_num_threads()`` threads, set
  them with ``OMP_NUM_THREADS``);
* ``--parts``: parameters, FLOPs and input/output shapes of each part
  (ECO: 2D trunk, 3D part, 2D branch, head; others: backbone, head);
* ``--layers``: output shape and parameters of each stage of the backbones
  (for ECO also the tap, the trunk's output that feeds the 3D part) and of
  the head, recorded with forward hooks; stages that do not run (e.g. an
  unused pooling layer) are left out.

The model runs from ``extract_feat(stage='head')``, so the head's linear
layers are counted; the data preprocessor (normalisation) is not run. No
data and no weights are needed: the model is built from the config without
``init_weights``.

FLOPs are counted by MMEngine's ``FlopAnalyzer`` (a port of fvcore's counter)
from a trace of the forward pass: one multiply-add of a convolution or a
linear layer counts as one FLOP (biases are not counted), and batch norm in
eval mode as 2 per element (scale and shift). Pooling, ReLU, residual
additions and averages count nothing.
"""
import argparse
import os.path as osp
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Tuple

import mmengine
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmengine.analysis import FlopAnalyzer

from emovid_mm.utils import markdown_table

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
DEFAULT_FRAMES = 8


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
class Report:
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


def build_model(config: str,
                frames: Optional[int] = None) -> Tuple[nn.Module, int, str]:
    """The config's model in eval mode, its frames per clip and its input
    layout (the data preprocessor's ``format_shape``).

    ``frames`` overrides ``model.num_segments`` (ECO) where the config has
    it; the default is that value, else 8.

    Raises:
        FileNotFoundError: No file at ``config``.
    """
    if not osp.isfile(config):
        raise FileNotFoundError(f'Config file not found: {config}')
    register_all_modules()
    import emovid_mm  # noqa: F401, registers the plugin's modules
    cfg = mmengine.Config.fromfile(config)
    if 'num_segments' in cfg.model:
        frames = frames or cfg.model.num_segments
        cfg.model.num_segments = frames
    layout = cfg.model.get('data_preprocessor', {}).get('format_shape',
                                                        'NCHW')
    model = MODELS.build(cfg.model).eval()
    return model, frames or DEFAULT_FRAMES, layout


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


def count_params(module: nn.Module) -> int:
    """Number of parameters of a module."""
    return sum(p.numel() for p in module.parameters())


def model_parts(model: nn.Module) -> List[Tuple[str, str, nn.Module]]:
    """``(label, attribute, module)`` of the recognizer's submodules with
    parameters, in :data:`PART_ORDER`."""
    labels = ECO_LABELS if hasattr(model, 'backbone_3d') else OTHER_LABELS
    children = [(name, child) for name, child in model.named_children()
                if count_params(child)]
    children.sort(key=lambda item: PART_ORDER.index(item[0])
                  if item[0] in PART_ORDER else len(PART_ORDER))
    return [(labels.get(name, name), name, child) for name, child in children]


def stage_modules(
        part: nn.Module) -> List[Tuple[str, nn.Module, Optional[nn.Module]]]:
    """``(name, hooked module, module holding the parameters)`` per stage
    of a backbone, in forward order.

    A stage that is a list of blocks (``ECOResNet3d``'s res3-res5) is read
    from its last block. ECO Full's trunk (``BNInception`` with
    ``eco_tap``) computes its last stage through ``tap`` and ``finish``, not
    its forward: the tap is read from the convolution that makes it and the
    stage's output from the trunk's.
    """
    stages: List[Tuple[str, nn.Module, Optional[nn.Module]]] = []
    names = [name for name, _ in part.named_children()]
    for name, stage in part.named_children():
        if getattr(part, 'eco_tap', False) and name == names[-1]:
            stages.append((f'{name} tap', stage.conv_double_3x3_1, None))
            stages.append((name, part, stage))
        elif getattr(stage, 'tap_only', False):
            stages.append((f'{name} (tap)', stage, stage))
        elif isinstance(stage, nn.ModuleList):
            stages.append((name, stage[-1], stage))
        else:
            stages.append((name, stage, stage))
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
            size: Tuple[int, int] = (224, 224),
            runs: int = 0) -> Report:
    """Measure one config's model on one clip; time it if ``runs > 0``."""
    model, frames, layout = build_model(config, frames)
    inputs = dummy_clip(frames, size, layout)
    analyzer = FlopAnalyzer(ClipForward(model), (inputs, ))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    analyzer.tracer_warnings('none')
    flops = analyzer.by_module()

    parts = model_parts(model)
    stages = []
    for label, name, part in parts:
        rows = (stage_modules(part)
                if name.startswith('backbone') else [(name, part, part)])
        stages += [(label, *row) for row in rows]
    seen = record_shapes(model, inputs, [part for *_, part in parts] +
                         [hooked for _, _, hooked, _ in stages])

    report = Report(
        osp.splitext(osp.basename(config))[0], frames, tuple(size),
        count_params(model), analyzer.total())
    for (label, name, part), (shape_in, shape_out) in zip(parts, seen):
        report.parts.append(
            Part(label, name, count_params(part), flops[f'model.{name}'],
                 format_shape(shape_in), format_shape(shape_out)))
    for (label, name, _, holder), (_, shape_out) in zip(
            stages, seen[len(parts):]):
        if shape_out is None:  # the module did not run
            continue
        params = None if holder is None else count_params(holder)
        report.stages.append(
            Stage(label, name, params, format_shape(last_shape(shape_out))))
    if runs > 0:
        report.seconds = time_forward(model, inputs, runs)
        report.threads = torch.get_num_threads()
    return report


def summary_table(reports: Sequence[Report], runs: int = 0) -> str:
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


def parts_table(report: Report) -> str:
    """One row per part of a model."""
    rows = [[
        p.label, f'`{p.name}`', f'{p.params:,}', f'{p.flops:,}',
        f'{100 * p.flops / report.flops:.1f}', p.input_shape, p.output_shape
    ] for p in report.parts]
    return markdown_table([
        'part', 'module', 'params', 'FLOPs/clip', 'FLOPs %', 'input shape',
        'output shape'
    ], rows)


def layers_table(report: Report) -> str:
    """One row per stage of a model."""
    rows = [[
        s.part, s.name, s.output_shape,
        '-' if s.params is None else f'{s.params:,}'
    ] for s in report.stages]
    return markdown_table(['part', 'stage', 'output shape', 'params'], rows)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Parameters, FLOPs per clip, shapes and CPU time of the '
        'models of configs (no data needed)')
    parser.add_argument('configs', nargs='+', metavar='CONFIG')
    parser.add_argument(
        '--frames',
        type=int,
        help='frames T per clip (default: model.num_segments, else 8)')
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        default=(224, 224),
        metavar=('H', 'W'),
        help='frame size (default: 224 224)')
    parser.add_argument(
        '--parts', action='store_true', help='a table of the model\'s parts')
    parser.add_argument(
        '--layers',
        action='store_true',
        help='a table of the output shape of each stage')
    parser.add_argument(
        '--time',
        type=int,
        default=0,
        metavar='N',
        help='median CPU forward time per clip over N runs after a warm-up '
        'run')
    args = parser.parse_args(argv)
    if args.frames is not None and args.frames < 1:
        parser.error(f'--frames must be >= 1, got {args.frames}')
    if args.time < 0:
        parser.error(f'--time must be >= 0, got {args.time}')
    for config in args.configs:
        if not osp.isfile(config):
            parser.error(f'config file not found: {config}')
    return args


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    reports = [
        analyse(config, args.frames, args.size, args.time)
        for config in args.configs
    ]
    sections: List[str] = [summary_table(reports, args.time)]
    for r in reports:
        clip = f'{r.frames} frames of 3x{r.size[0]}x{r.size[1]}'
        if args.parts:
            sections.append(f'{r.name}: parts, {clip}\n\n{parts_table(r)}')
        if args.layers:
            sections.append(f'{r.name}: stages, {clip}\n\n{layers_table(r)}')
    print('\n\n'.join(sections))


if __name__ == '__main__':
    main()
