"""Decode every LIRIS-ACCEDE clip once into a clip store: its frames at a low
frame rate, resized, as JPEG files that the store configs read
(configs/_base_/datasets/liris_accede_store.py).

Example, from the repository root::

    python tools/data/prepare_liris.py data/liris_accede \
        data/liris_accede/clip_store_5fps --fps 5 --workers 8

Run it again to finish an interrupted store: clips already stored are
skipped. Clips it cannot read are named at the end (exit status 1), the
others stored. See :mod:`emovid_mm.datasets.clip_store` for the layout.
"""
import argparse
import os
import sys

from emovid_mm.datasets.clip_store import prepare_clip_store


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='the dataset folder')
    parser.add_argument('out', help='the clip store folder')
    parser.add_argument(
        '--fps',
        type=float,
        default=5.0,
        help='frame rate to keep: the target_fps of the pipelines (default: '
        '%(default)s)')
    parser.add_argument(
        '--short-side',
        type=int,
        default=256,
        help='shrink frames whose short side is longer to this many pixels; '
        '0 keeps their size (default: %(default)s)')
    parser.add_argument(
        '--workers',
        type=int,
        default=os.cpu_count(),
        help='processes decoding at once (default: the number of CPUs, '
        '%(default)s)')
    return parser


def main() -> None:
    parser = build_parser()
    args = parser.parse_args()
    try:
        summary = prepare_clip_store(
            args.data_root,
            args.out,
            fps=args.fps,
            short_side=args.short_side,
            workers=args.workers)
    except ValueError as err:
        parser.error(str(err))
    total = len(summary.written) + len(summary.skipped) + len(summary.failed)
    print(f'\nClip store {args.out} ({args.fps:g} fps, short side '
          f'{args.short_side or "kept"}): {total} clips, '
          f'{len(summary.written)} written, {len(summary.skipped)} skipped '
          f'(already stored), {len(summary.failed)} failed; '
          f'{summary.size / 2**20:,.1f} MiB on disk, {summary.seconds:.1f} s.')
    if summary.failed:
        print(f'Cannot read {len(summary.failed)} clips (not stored; '
              're-extract or replace them, then run this again):')
        for name, reason in summary.failed.items():
            print(f'  {name}: {reason}')
        sys.exit(1)


if __name__ == '__main__':
    main()
