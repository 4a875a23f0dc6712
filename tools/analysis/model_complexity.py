"""Parameters, FLOPs, feature shapes and CPU time of the models of configs.

    python tools/analysis/model_complexity.py CONFIG [CONFIG ...] \
        [--frames T] [--size H W] [--parts] [--layers] [--time N]

Prints markdown tables for one clip (batch 1) of ``T`` frames of
``3 x H x W``, by default the clip of the config's test pipeline, with the
log-mel segments of that pipeline for models with audio:

* one row per config: parameters, FLOPs per clip and, with ``--time N``, the
  median CPU forward time per clip over ``N`` runs after a warm-up run
  (eval mode, ``torch.no_grad``; ``torch.get_num_threads()`` threads, set
  them with ``OMP_NUM_THREADS``);
* ``--parts``: parameters, FLOPs and input/output shapes of each part
  (ECO: 2D trunk, 3D part, 2D branch, head; others: backbone, head; and the
  audio backbone of audio models);
* ``--layers``: output shape and parameters of each stage of the backbones
  (for ECO also the tap, the trunk's output that feeds the 3D part) and of
  the head; stages that do not run are left out.

No data and no weights are needed; what is counted and how is described in
:mod:`emovid_mm.analysis.model_complexity`.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

from emovid_mm.analysis import (analyse, clip_text, layers_table, parts_table,
                                summary_table)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Parameters, FLOPs per clip, shapes and CPU time of the '
        'models of configs (no data needed)')
    parser.add_argument('configs', nargs='+', metavar='CONFIG')
    parser.add_argument(
        '--frames',
        type=int,
        help='frames T per clip (default: those of the test pipeline)')
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='frame size (default: that of the test pipeline)')
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


def main() -> None:
    args = parse_args()
    try:
        reports = [
            analyse(config, args.frames, args.size, args.time)
            for config in args.configs
        ]
    except ValueError as e:
        raise SystemExit(f'error: {e}')
    sections = [summary_table(reports, args.time)]
    for r in reports:
        clip = clip_text(r)
        if args.parts:
            sections.append(f'{r.name}: parts, {clip}\n\n{parts_table(r)}')
        if args.layers:
            sections.append(f'{r.name}: stages, {clip}\n\n{layers_table(r)}')
    print('\n\n'.join(sections))


if __name__ == '__main__':
    main()
