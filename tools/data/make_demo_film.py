"""Join clips of a LIRIS-ACCEDE-shaped dataset into one film, with the
clips' annotated values, to see how an emotion timeline follows them.

Example, from the repository root::

    python tools/data/make_demo_film.py --data-root data/liris_synthetic \\
        --split test --num-clips 12 --out work_dirs/demo_film.mp4

takes the first 12 clips (in id order) of the split, as the dataset reads it
(official layout, see ``emovid_mm.datasets.LIRISACCEDEDataset``), and writes

* ``OUT``: the clips one after the other (mp4v), at the frame rate and
  size of the first; a clip of another size is resized, one of another
  frame rate is resampled in time (each output frame shows the clip's frame
  at that time);
* ``<OUT stem>_clips.csv``: one row per clip, ``start``, ``end`` (seconds
  in ``OUT``), ``name``, ``film``, ``valence``, ``arousal`` (annotated), the
  ``--truth`` of ``tools/infer.py``.

Split names are those of ``--config`` (the paper's: ``train`` is set 0,
``val`` set 2, ``test`` set 1); set ids work too, e.g. ``--split 1,2``.
"""
import argparse
import re
import sys
from typing import Optional, Sequence

from mmengine.config import Config

from emovid_mm.apis import VideoReadError
from emovid_mm.datasets import AnnotationError
from emovid_mm.visualization import make_demo_film


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--data-root',
        default='data/liris_synthetic',
        help='dataset root (default: %(default)s)')
    parser.add_argument(
        '--split',
        default='test',
        help='a split of --config, or set ids such as 1,2 '
        '(default: %(default)s)')
    parser.add_argument(
        '--num-clips',
        type=int,
        default=12,
        help='clips to join (default: %(default)s)')
    parser.add_argument(
        '--out',
        default='work_dirs/demo_film.mp4',
        help='the video to write (default: %(default)s)')
    parser.add_argument(
        '--config',
        default='configs/_base_/datasets/liris_accede.py',
        help='config whose `splits` names the splits '
        '(default: %(default)s)')
    args = parser.parse_args(argv)
    if args.num_clips < 1:
        parser.error('--num-clips must be >= 1')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    split = args.split
    if re.fullmatch(r'\d+(,\d+)*', split):
        split = [int(x) for x in split.split(',')]
    try:
        make_demo_film(args.data_root, split, args.num_clips, args.out,
                       Config.fromfile(args.config).get('splits'))
    except (AnnotationError, ValueError, OSError, VideoReadError) as err:
        print(f'ERROR: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
