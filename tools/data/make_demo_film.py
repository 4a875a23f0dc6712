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
import csv
import os
import os.path as osp
import re
import sys
from typing import Iterator, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmengine.config import Config

from emovid_mm.apis import VideoReadError, VideoSource
from emovid_mm.datasets import AnnotationError, LIRISACCEDEDataset


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


def read_frames(source: VideoSource, fps: float,
                size: Tuple[int, int]) -> Iterator[np.ndarray]:
    """The clip's frames (BGR) at ``fps``, resized to ``size`` (w, h)."""
    count = max(1, round(source.duration * fps))
    index = np.searchsorted(source.frame_times,
                            np.arange(count) / fps + 1e-6, 'right') - 1
    for chunk in np.array_split(index, -(-count // 64)):
        for frame in source.reader.get_batch(chunk.tolist()).asnumpy():
            if frame.shape[1::-1] != size:
                frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            yield cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)


def make_demo_film(data_root: str, split: Union[str, Sequence[int]],
                   num_clips: int, out: str, splits: dict) -> str:
    """Write the film and its clips csv; return the csv's path."""
    dataset = LIRISACCEDEDataset(
        data_root, pipeline=[], split=split, splits=splits, test_mode=True)
    if len(dataset) < num_clips:
        raise ValueError(f'Split {split!r} of {data_root} has {len(dataset)} '
                         f'clips; --num-clips asks for {num_clips}.')
    clips = [dataset.get_data_info(i) for i in range(num_clips)]
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    table = f'{osp.splitext(out)[0]}_clips.csv'
    first = VideoSource(clips[0]['filename']).reader
    fps, size = first.get_avg_fps(), first[0].shape[1::-1]
    writer = cv2.VideoWriter(out, cv2.VideoWriter_fourcc(*'mp4v'), fps, size)
    if not writer.isOpened():
        raise OSError(f'OpenCV cannot write an mp4 to {out}')
    written, resized, resampled = 0, [], []
    try:
        with open(table, 'w', newline='') as f:
            rows = csv.writer(f)
            rows.writerow(['start', 'end', 'name', 'film', *dataset.targets])
            for clip in clips:
                source = VideoSource(clip['filename'])
                height, width = source.reader[0].shape[:2]
                if (width, height) != size:
                    resized.append(f'{clip["name"]} ({width}x{height})')
                if abs(source.avg_fps - fps) > 0.01 * fps:
                    resampled.append(
                        f'{clip["name"]} ({source.avg_fps:.3g} fps)')
                start = written
                for frame in read_frames(source, fps, size):
                    writer.write(frame)
                    written += 1
                rows.writerow([
                    f'{start / fps:.3f}', f'{written / fps:.3f}', clip['name'],
                    clip['film'], *(f'{v:.6f}' for v in clip['gt_values'])
                ])
    finally:
        writer.release()
    for what, names in ((f'resized to {size[0]}x{size[1]}', resized),
                        (f'resampled to {fps:.3g} fps', resampled)):
        if names:
            print(f'{len(names)} clip(s) {what}: {", ".join(names)}')
    print(f'Wrote {out}: {num_clips} clips of split {split!r} of {data_root}'
          f', {written / fps:.2f} s at {fps:.3g} fps, {size[0]}x{size[1]}; '
          f'their start, end and values in {table}')
    return table


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
