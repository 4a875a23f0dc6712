"""Open any video file for sampling in seconds."""
import os.path as osp
import re
from pathlib import Path
from typing import Union

import decord
import numpy as np
from decord import DECORDError

#: What decord raises for a file it cannot open or decode.
DECORD_ERRORS = (DECORDError, RuntimeError)


class VideoReadError(RuntimeError):
    """A file cannot be read as a video."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(
            f'Cannot read {filename} as a video ({reason}). It is not a '
            'video file, or it is truncated or corrupt, or its codec is not '
            'one that decord (FFmpeg) decodes. Check that it plays; if it '
            'does, re-encode it, e.g. with `ffmpeg -i IN -c:v libx264 '
            '-pix_fmt yuv420p OUT.mp4`.')
        self.filename = filename


class VideoSource:
    """A video file opened with decord, with the time of each frame.

    Times come from the frames' timestamps, not from an average frame rate,
    so variable-frame-rate videos are sampled evenly in seconds. They are
    counted from the first frame.

    The first and the last frame are decoded when the file is opened, so
    that most unreadable files fail here. decord 0.6 cannot decode frames of
    a few widths of 72 pixels or less (it makes 4-channel frames of them,
    dmlc/decord#336); such a video is decoded at the next multiple of 32
    pixels wide.

    Args:
        filename (str | Path): The video file.

    Attributes:
        reader (decord.VideoReader): The decoder.
        frame_times (np.ndarray): Start of each frame in seconds, from 0,
            ``(num_frames,)``.
        duration (float): End of the last frame in seconds.

    Raises:
        FileNotFoundError: No such file.
        VideoReadError: The file cannot be opened or decoded as a video.
    """

    def __init__(self, filename: Union[str, Path]) -> None:
        filename = str(filename)
        if not osp.isfile(filename):
            raise FileNotFoundError(f'No such video file: {filename}')
        self.filename = filename
        try:
            self.reader = decord.VideoReader(filename)
        except DECORD_ERRORS as err:
            raise VideoReadError(filename, decord_reason(err)) from None
        try:
            height, width, channels = self.reader[0].shape
            if channels != 3:
                self.reader = decord.VideoReader(
                    filename, width=-(-width // 32) * 32, height=height)
            self.reader[len(self.reader) - 1]
            stamps = self.reader.get_frame_timestamp(range(len(self.reader)))
        except DECORD_ERRORS as err:
            raise VideoReadError(
                filename, 'its frames cannot be decoded: '
                f'{decord_reason(err)}') from None
        stamps = stamps.astype(np.float64)
        self.frame_times = stamps[:, 0] - stamps[0, 0]
        self.duration = float(self.frame_times[-1] +
                              self._last_frame_duration(stamps))

    @property
    def num_frames(self) -> int:
        return len(self.frame_times)

    @property
    def avg_fps(self) -> float:
        """Frames per second over the whole video."""
        return self.num_frames / self.duration

    def _last_frame_duration(self, stamps: np.ndarray) -> float:
        """The last frame's own duration if the container gives it (AVI
        does not), else the median frame interval, else one frame at the
        frame rate decord reports."""
        own = stamps[-1, 1] - stamps[-1, 0]
        if own > 0:
            return own
        if len(stamps) > 1:
            return float(np.median(np.diff(stamps[:, 0])))
        return 1 / self.reader.get_avg_fps()

    def window_results(self, start: float, end: float) -> dict:
        """The input of a test pipeline without its ``DecordInit``, for the
        part ``[start, end)`` seconds of the video (see
        ``SegmentSampleFrames``)."""
        return dict(
            filename=self.filename,
            modality='RGB',
            start_index=0,
            video_reader=self.reader,
            total_frames=self.num_frames,
            avg_fps=self.avg_fps,
            frame_times=self.frame_times,
            time_window=(start, end))


def decord_reason(err: Exception) -> str:
    """What went wrong, in words, from decord's message."""
    text = (str(err).strip().splitlines() or [type(err).__name__])[0]
    if text.startswith('Error reading'):
        return 'FFmpeg cannot open it'
    if 'cannot find video stream' in text:
        return 'it has no video stream'
    text = re.sub(r'^(\[[\d:]+\] \S+:\d+: )+', '', text)  # time, source
    text = re.sub(r'^Check failed: .* vs\. -?\d+\) ', '', text)
    return re.sub(r'^\[.*?\] ', '', text).rstrip('. ')  # the file name
