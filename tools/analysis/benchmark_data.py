"""Clips per second of a config's training data through a DataLoader, beside
MMAction2's stock video pipeline, a prepared clip store and the decode
floor on the same clips, and the config's training step: whether data or
compute bounds a run.

    python tools/analysis/benchmark_data.py CONFIG [--data-root DIR] \
        [--clips 64] [--workers 0 1 2] [--repeat 3] [--store DIR] \
        [--device cpu] [--steps 3]

Prints a table of clips/s (the median pass, with the least and the most),
ms per clip and the time over the decode floor's, per way and worker count;
a table of the training step; and, per worker count, whether data or
compute bounds the run, with the workers each way needs to feed the model.
What each way is and how it is timed: :mod:`emovid_mm.analysis.data_benchmark`.
LIRIS-like clips to run it on: ``tools/data/make_synthetic_liris.py --codec
h264 --height 288 --width 384``.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp

from emovid_mm.analysis import (benchmark_data, loader_table, step_table,
                                verdict)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Clips per second of a config\'s training data against '
        'other ways to load them, and its training step')
    parser.add_argument('config', help='config file')
    parser.add_argument('--data-root', help='the dataset folder')
    parser.add_argument(
        '--clips',
        type=int,
        default=64,
        help='the first clips of the training split to load (default: '
        '%(default)s)')
    parser.add_argument(
        '--workers',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='DataLoader worker counts (default: %(default)s)')
    parser.add_argument(
        '--repeat',
        type=int,
        default=3,
        help='timed passes over the clips per way and worker count '
        '(default: %(default)s)')
    parser.add_argument(
        '--store', help='a clip store of tools/data/prepare_liris.py')
    parser.add_argument(
        '--device',
        default='cpu',
        help='where to time the training step, e.g. cuda:0 (default: '
        '%(default)s)')
    parser.add_argument(
        '--steps',
        type=int,
        default=3,
        help='timed training steps (default: %(default)s)')
    args = parser.parse_args()
    if not osp.isfile(args.config):
        parser.error(f'config file not found: {args.config}')
    return args


def main() -> None:
    args = parse_args()
    try:
        report = benchmark_data(args.config, args.data_root, args.clips,
                                args.workers, args.repeat, args.store,
                                args.device, args.steps)
    except (ValueError, FileNotFoundError) as e:
        raise SystemExit(f'error: {e}')
    print(f'{report.name}: the first {report.clips} clips of the training '
          f'split, {report.frames} frames of {report.size[0]}x'
          f'{report.size[1]} each, batches of {report.batch_size}; '
          f'{os.cpu_count()} CPUs')
    print(loader_table(report))
    print()
    print(step_table(report))
    print()
    print('\n'.join(verdict(report)))


if __name__ == '__main__':
    main()
