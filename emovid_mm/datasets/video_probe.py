"""Frame counts and frame rates of video files, read from the container.

The numbers are those that decord (MMAction2's ``DecordInit``) reports:
``len(VideoReader)`` is the number of packets of the best video stream (the
container's frame count when it has one, e.g. mp4) and ``get_avg_fps()`` the
stream's average frame rate. Nothing is decoded, so a clip costs about a
millisecond; results are cached in a JSON file, keyed by each file's path,
size and modification time.
"""
import json
import logging
import os
import os.path as osp
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, NamedTuple, Optional, Sequence

import av
from mmengine.logging import print_log

#: Bump when what is stored per clip changes.
CACHE_VERSION = 1


class VideoProbe(NamedTuple):
    """What the container says about one video file.

    ``error`` is set, and ``frames`` is 0, when it cannot be read as a video.
    ``fps`` is ``None`` when the stream has no average frame rate.
    """
    frames: int
    fps: Optional[float]
    error: Optional[str] = None


def probe_video(path: str) -> VideoProbe:
    """Read the frame count and average frame rate of ``path``."""
    try:
        with av.open(path) as container:
            stream = container.streams.best('video')
            if stream is None:
                return VideoProbe(0, None, 'it has no video stream')
            rate = stream.average_rate
            frames = stream.frames or sum(
                1 for packet in container.demux(stream) if packet.size)
    except (av.FFmpegError, OSError) as err:
        return VideoProbe(0, None, err.strerror or str(err))
    return VideoProbe(frames, float(rate) if rate else None)


def _stamp(path: str) -> list:
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns]


def _load_cache(cache_file: str) -> Dict[str, list]:
    try:
        with open(cache_file, encoding='utf-8') as f:
            cache = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(cache, dict) or cache.get('version') != CACHE_VERSION:
        return {}
    return cache.get('clips', {})


def _save_cache(cache_file: str, clips: Dict[str, list]) -> None:
    """Write atomically, so that processes probing at once (the ranks of a
    distributed run) never leave a half-written file."""
    tmp = f'{cache_file}.{socket.gethostname()}.{os.getpid()}.tmp'
    try:
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(dict(version=CACHE_VERSION, clips=clips), f)
        os.replace(tmp, cache_file)
    finally:
        if osp.exists(tmp):
            os.unlink(tmp)


def probe_videos(paths: Sequence[str],
                 cache_file: Optional[str] = None,
                 num_threads: int = 8) -> Dict[str, VideoProbe]:
    """Probe many files, in ``num_threads`` threads, through a cache.

    Args:
        paths (Sequence[str]): Video files (that exist).
        cache_file (str, optional): JSON cache. An entry is reused while its
            file keeps its size and modification time. A cache that cannot be
            written is not kept (a warning says so).
        num_threads (int): Files probed at once.

    Returns:
        dict[str, VideoProbe]: The probe of each path.
    """
    cached = _load_cache(cache_file) if cache_file else {}
    stamps = {path: _stamp(path) for path in paths}
    keys = {path: osp.abspath(path) for path in paths}
    result, todo = {}, []
    for path in paths:
        entry = cached.get(keys[path])
        if entry is not None and entry[:2] == stamps[path]:
            result[path] = VideoProbe(*entry[2:])
        else:
            todo.append(path)
    if todo:
        with ThreadPoolExecutor(max(1, min(num_threads, len(todo)))) as pool:
            result.update(zip(todo, pool.map(probe_video, todo)))
        if cache_file:
            cached.update({
                keys[path]: stamps[path] + list(result[path])
                for path in todo
            })
            try:
                _save_cache(cache_file, cached)
            except OSError as err:
                print_log(
                    f'Cannot write the clip probe cache {cache_file} ({err});'
                    ' clips will be probed again next time. Point '
                    '`probe_cache` at a writable file to keep it.',
                    logger='current',
                    level=logging.WARNING)
    return result
