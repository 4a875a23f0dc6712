"""A clip store: the frames of LIRIS-ACCEDE's clips at a low frame rate,
decoded once, resized and kept as JPEG files, for training pipelines that
read them (MMAction2's ``RawFrameDecode``) instead of decoding every video
in every epoch.

Layout (MMAction2's raw frames, one folder per clip, named after its
video)::

    OUT/
      store.json            the settings: version, fps, short_side (0: the
                            videos' size), quality
      ACCEDE00000/
        img_00001.jpg ...   the stored frames in order, JPEG (frame k, from
                            0, in img_{k+1:05}.jpg)
        clip.json           the clip's index (below)
      ...

The frames kept are the candidates of ``SegmentSampleFrames(target_fps=fps)``
on the video as decord reads it (``DecordInit``, ``DecordDecode``), decoded
by decord as ``DecordDecode`` does, so :class:`SegmentSampleFrames` on the
stored timeline (``target_fps`` the store's ``fps``, or ``None``) picks the
frames it picks from the video at ``fps``. A frame whose short side is longer
than ``short_side`` is shrunk to it (aspect ratio kept, ``INTER_AREA``).

``clip.json`` holds ``name`` (of the video), ``frames`` (count), ``fps`` (of
the stored timeline: the store's, or the video's when lower), ``height``,
``width``, and the video's ``source_frames``, ``source_fps`` and
``source_frame_inds`` (the video frame of each stored frame). A clip is
written in a hidden folder renamed to its own when complete, so a clip with
a ``clip.json`` is complete, and an interrupted run leaves nothing that a
reader would take for a clip.
"""
import json
import os
import os.path as osp
import shutil
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import cv2
import decord
import mmcv
import numpy as np
from mmengine.utils import track_parallel_progress, track_progress

from .liris_accede_annotations import load_ranking
from .transforms.segment_sample_frames import SegmentSampleFrames

STORE_VERSION = 1
STORE_FILE = 'store.json'
CLIP_FILE = 'clip.json'
FILENAME_TMPL = 'img_{:05}.jpg'
#: ``RawFrameDecode``'s ``offset``: stored frame 0 is ``img_00001.jpg``.
FRAME_OFFSET = 1
JPEG_QUALITY = 95
PREPARE_TOOL = 'tools/data/prepare_liris.py'


@dataclass
class StoreSummary:
    """What :func:`prepare_clip_store` did: the videos (by name) written and
    skipped (already stored), the ones it cannot read with the reason, the
    store's size in bytes and the seconds taken."""
    written: List[str]
    skipped: List[str]
    failed: Dict[str, str]
    size: int
    seconds: float


def prepare_command(data_root: str,
                    store: str,
                    fps: Optional[float] = None,
                    short_side: Optional[int] = None) -> str:
    """The command line that prepares ``store`` for ``data_root``, with the
    options given."""
    command = f'python {PREPARE_TOOL} {data_root} {store}'
    if fps is not None:
        command += f' --fps {fps:g}'
    if short_side is not None:
        command += f' --short-side {short_side}'
    return command


def clip_folder(store: str, name: str) -> str:
    """The folder of the video ``name`` (e.g. ``ACCEDE00000.mp4``)."""
    return osp.join(store, osp.splitext(name)[0])


def _read_json(path: str) -> Optional[dict]:
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_store(store: str) -> Optional[dict]:
    """The settings of the store in ``store``; ``None`` if there is none."""
    return _read_json(osp.join(store, STORE_FILE))


def load_clip_index(store: str, name: str) -> Optional[dict]:
    """The index of the video ``name`` in ``store``; ``None`` if it is not
    stored (or not completely)."""
    return _read_json(osp.join(clip_folder(store, name), CLIP_FILE))


def stored_clip(store: str, name: str) -> Optional[dict]:
    """What the pipeline needs to read the stored video ``name``:
    ``frame_dir``, ``filename_tmpl`` and ``offset`` (``RawFrameDecode``),
    ``total_frames`` and ``avg_fps`` (:class:`SegmentSampleFrames`);
    ``None`` if it is not stored."""
    index = load_clip_index(store, name)
    if index is None:
        return None
    return dict(
        frame_dir=clip_folder(store, name),
        filename_tmpl=FILENAME_TMPL,
        offset=FRAME_OFFSET,
        total_frames=index['frames'],
        avg_fps=index['fps'])


def read_frames(video: str, fps: float,
                short_side: Optional[int]) -> Tuple[np.ndarray, dict]:
    """Decode the frames of ``video`` kept at ``fps``, shrunk to
    ``short_side``.

    Returns:
        tuple[np.ndarray, dict]: RGB frames ``(T, H, W, 3)`` uint8 and the
        clip's index but its ``name``.

    Raises:
        ValueError: The video has no frames or no frame rate.
        RuntimeError, decord.DECORDError: decord cannot read it.
    """
    reader = decord.VideoReader(video, num_threads=1)
    source_frames, source_fps = len(reader), reader.get_avg_fps()
    if not source_frames:
        raise ValueError('it has no frames')
    if not source_fps:
        raise ValueError(f'it has no frame rate to resample to {fps:g} fps')
    keep = SegmentSampleFrames(target_fps=fps).candidate_frames(
        source_frames, source_fps)
    frames = reader.get_batch(keep).asnumpy()
    if short_side and min(frames.shape[1:3]) > short_side:
        frames = np.stack([
            mmcv.imrescale(f, (short_side, np.inf), interpolation='area')
            for f in frames
        ])
    return frames, dict(
        frames=len(frames),
        fps=min(fps, source_fps),
        height=frames.shape[1],
        width=frames.shape[2],
        source_frames=source_frames,
        source_fps=source_fps,
        source_frame_inds=keep.tolist())


def store_clip(video: str, folder: str, fps: float,
               short_side: Optional[int]) -> Optional[str]:
    """Store the frames of ``video`` in ``folder`` (see the module); an
    incomplete ``folder`` is replaced.

    Returns:
        str | None: Why the video cannot be read, ``None`` once stored.
    """
    if not osp.isfile(video):
        return 'the file is missing'
    try:
        frames, index = read_frames(video, fps, short_side)
    except (ValueError, RuntimeError, decord.DECORDError) as err:
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    parent, stem = osp.split(folder)
    tmp = osp.join(parent, f'.{stem}.tmp')
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        for k, frame in enumerate(frames):
            mmcv.imwrite(
                mmcv.rgb2bgr(frame),
                osp.join(tmp, FILENAME_TMPL.format(k + FRAME_OFFSET)),
                params=[cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        with open(osp.join(tmp, CLIP_FILE), 'w', encoding='utf-8') as f:
            json.dump(dict(name=osp.basename(video), **index), f)
        shutil.rmtree(folder, ignore_errors=True)
        os.rename(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return None


def _store_task(task: Tuple[str, str, float, Optional[int]]) -> Optional[str]:
    return store_clip(*task)


def _open_store(out: str, fps: float, short_side: Optional[int]) -> None:
    """Write the settings of a new store in ``out``, or check that the store
    already there has them."""
    settings = dict(
        version=STORE_VERSION,
        fps=float(fps),
        short_side=short_side or 0,
        quality=JPEG_QUALITY)
    found = load_store(out)
    if found is None:
        os.makedirs(out, exist_ok=True)
        tmp = osp.join(out, f'.{STORE_FILE}.tmp')
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(settings, f)
        os.replace(tmp, osp.join(out, STORE_FILE))
    elif found != settings:
        raise ValueError(
            f'{out} holds a clip store with other settings ({found}, asked '
            f'for {settings}). Use another folder, or delete it first.')


def _size(folder: str) -> int:
    return sum(
        osp.getsize(osp.join(root, name)) for root, _, names in os.walk(folder)
        for name in names)


def prepare_clip_store(
        data_root: str,
        out: str,
        fps: float = 5.0,
        short_side: Optional[int] = 256,
        workers: int = 1,
        ann_file: str = ('LIRIS-ACCEDE-annotations/annotations/'
                         'ACCEDEranking.txt'),
        video_dir: str = 'LIRIS-ACCEDE-data/data') -> StoreSummary:
    """Store every video of the ranking file of ``data_root`` in ``out`` (see
    the module), showing a progress bar. Videos already stored are skipped;
    videos that cannot be read are reported, the others stored.

    Args:
        data_root (str): The dataset folder.
        out (str): The store's folder; created if missing.
        fps (float): Frame rate to keep (``target_fps`` of the pipelines).
        short_side (int, optional): Shrink frames with a longer short side
            to it; ``None`` or 0 keeps their size.
        workers (int): Processes decoding at once.
        ann_file (str): The ranking file, relative to ``data_root``.
        video_dir (str): The videos' folder, relative to ``data_root``.

    Raises:
        ValueError: ``fps`` or ``short_side`` is out of range, or ``out``
            holds a store with other settings.
    """
    if fps <= 0 or (short_side or 0) < 0:
        raise ValueError('fps must be > 0 and short_side >= 0, got '
                         f'{fps} and {short_side}.')
    start = time.perf_counter()
    _open_store(out, fps, short_side)
    ranking = load_ranking(osp.join(data_root, ann_file))
    names = [ranking[clip_id].name for clip_id in sorted(ranking)]
    stored = [load_clip_index(out, name) is not None for name in names]
    skipped = [n for n, done in zip(names, stored) if done]
    todo = [n for n, done in zip(names, stored) if not done]
    tasks = [(osp.join(data_root, video_dir, n), clip_folder(out, n), fps,
              short_side) for n in todo]
    errors: List[Optional[str]] = []
    if tasks and workers > 1:
        # One OpenCV thread per process: the processes share the cores.
        errors = track_parallel_progress(
            _store_task,
            tasks,
            workers,
            initializer=cv2.setNumThreads,
            initargs=(1, ))
    elif tasks:
        errors = track_progress(_store_task, tasks)
    failed = {n: e for n, e in zip(todo, errors) if e is not None}
    return StoreSummary(
        written=[n for n in todo if n not in failed],
        skipped=skipped,
        failed=failed,
        size=_size(out),
        seconds=time.perf_counter() - start)
