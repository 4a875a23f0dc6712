"""Clips of a LIRIS-ACCEDE-shaped dataset joined into one film, with the
clips' annotated values, to see how an emotion timeline follows them."""
import csv
import os
import os.path as osp
from typing import Iterator, Sequence, Tuple, Union

import cv2
import numpy as np

from ..apis import VideoSource
from ..datasets import LIRISACCEDEDataset


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
    """Join the first ``num_clips`` clips (in id order) of a split, as
    :class:`~emovid_mm.datasets.LIRISACCEDEDataset` reads it, into one film.

    Writes ``out``, the clips one after the other (mp4v) at the frame rate
    and size of the first (a clip of another size is resized, one of another
    frame rate resampled in time), and ``<out stem>_clips.csv``: one row per
    clip with ``start``, ``end`` (seconds in ``out``), ``name``, ``film``
    and the annotated values, the ``truth`` of
    :func:`~emovid_mm.visualization.read_truth`. Returns the csv's path.

    Raises:
        ValueError: the split has fewer than ``num_clips`` clips.
        OSError: OpenCV cannot write ``out``.
    """
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
