from typing import Optional

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


class ClipTooShortError(ValueError):
    """A clip has fewer frames than the sampling asks for."""


@TRANSFORMS.register_module()
class SegmentSampleFrames(BaseTransform):
    """TSN-style segment sampling over the whole clip, optionally at a lower
    frame rate.

    The clip is first resampled to ``target_fps`` (the paper samples from
    clips downsampled to 5 fps), giving ``T`` candidate frames. These are cut
    into ``num_segments`` segments of equal duration, and each segment gives
    ``clip_len`` consecutive candidates: at a random position in training, at
    the segment's centre in testing. TSN and ECO use ``clip_len=1`` with
    8 segments; C3D uses one segment of 8 consecutive frames.

    Unlike MMAction2's ``SampleFrames``, whose ``target_fps`` only stretches
    3D clips and which loops over short videos, this keeps TSN sampling on
    the resampled timeline and refuses a clip with fewer than
    ``num_segments * clip_len`` candidate frames, naming the file (or, with
    ``repeat_short``, repeats its frames).

    With ``frame_times`` and ``time_window`` in the results, the clip is the
    part ``[start, end)`` of the video, in seconds, and the resampling works
    on the frames' timestamps, so a variable frame rate (at or above
    ``target_fps``) is sampled evenly in seconds: the candidates are the
    distinct frames shown at ``start``, ``start + 1 / target_fps``, ...
    before ``end`` (every frame starting in the window if ``target_fps`` is
    ``None``). For a constant frame rate and
    the window ``[0, total_frames / avg_fps)`` these are the frames of the
    index-based resampling.

    Required keys: ``total_frames``, ``start_index``, ``filename``, and
    ``avg_fps`` when ``target_fps`` is set.
    Optional keys: ``frame_times`` (start time of each frame in seconds,
    non-decreasing, ``(total_frames,)``) with ``time_window``
    (``(start, end)`` in seconds).
    Added keys: ``frame_inds`` (``num_segments * clip_len``,), ``clip_len``,
    ``num_clips`` (= ``num_segments``), ``frame_interval``.

    Args:
        num_segments (int): Number of segments.
        clip_len (int): Consecutive frames taken in each segment.
        target_fps (float, optional): Frame rate to resample to; ``None``
            keeps every frame. Never upsamples.
        test_mode (bool): Take the centre of each segment.
        repeat_short (bool): Sample a clip with fewer candidate frames than
            ``num_segments * clip_len`` (but at least one) by repeating each
            candidate about equally often, in order, instead of raising
            :class:`ClipTooShortError`. For inference on any video; the
            datasets keep the error.
    """

    #: Tolerance in seconds when comparing timestamps with window bounds.
    time_eps = 1e-6

    def __init__(self,
                 num_segments: int = 8,
                 clip_len: int = 1,
                 target_fps: Optional[float] = None,
                 test_mode: bool = False,
                 repeat_short: bool = False) -> None:
        if num_segments < 1 or clip_len < 1:
            raise ValueError('num_segments and clip_len must be >= 1, got '
                             f'{num_segments} and {clip_len}.')
        if target_fps is not None and target_fps <= 0:
            raise ValueError(f'target_fps must be > 0, got {target_fps}.')
        self.num_segments = num_segments
        self.clip_len = clip_len
        self.target_fps = target_fps
        self.test_mode = test_mode
        self.repeat_short = repeat_short

    def candidate_frames(self, total_frames: int,
                         fps: Optional[float]) -> np.ndarray:
        """Frame indices of the clip resampled to ``target_fps``."""
        if self.target_fps is None or not fps or fps <= self.target_fps:
            return np.arange(total_frames)
        step = fps / self.target_fps
        return np.unique(
            np.floor(np.arange(0, total_frames, step)).astype(np.int64))

    def candidate_frames_in_window(self, frame_times: np.ndarray,
                                   start: float, end: float) -> np.ndarray:
        """Indices of the distinct frames shown at the ``target_fps`` ticks
        of ``[start, end)`` seconds, given each frame's start time
        ``frame_times`` ``(total_frames,)``."""
        eps = self.time_eps
        if self.target_fps is None:
            return np.flatnonzero((frame_times >= start - eps)
                                  & (frame_times < end - eps))
        num_ticks = max(int(np.ceil((end - start) * self.target_fps - eps)),
                        1)
        ticks = start + np.arange(num_ticks) / self.target_fps
        shown = np.searchsorted(frame_times, ticks + eps, side='right') - 1
        return np.unique(np.maximum(shown, 0))

    def sample(self, num_candidates: int) -> np.ndarray:
        """Positions in ``[0, num_candidates)``, ``(num_segments*clip_len,)``.
        """
        bounds = np.floor(
            np.arange(self.num_segments + 1) * num_candidates /
            self.num_segments).astype(np.int64)
        room = bounds[1:] - bounds[:-1] - self.clip_len
        if self.test_mode:
            starts = bounds[:-1] + room // 2
        else:
            starts = bounds[:-1] + np.random.randint(room + 1)
        return (starts[:, None] + np.arange(self.clip_len)).reshape(-1)

    def transform(self, results: dict) -> dict:
        if 'time_window' in results:
            candidates = self.candidate_frames_in_window(
                np.asarray(results['frame_times']), *results['time_window'])
        else:
            candidates = self.candidate_frames(results['total_frames'],
                                               results.get('avg_fps'))
        needed = self.num_segments * self.clip_len
        if self.repeat_short and 0 < len(candidates) < needed:
            stretch = (np.arange(needed) + 0.5) * len(candidates) / needed
            candidates = candidates[stretch.astype(np.int64)]
        if len(candidates) < needed:
            fps_note = (f' at {self.target_fps} fps'
                        if self.target_fps is not None else '')
            if 'time_window' in results:
                fps_note += ' in {:.2f}-{:.2f} s'.format(
                    *results['time_window'])
            raise ClipTooShortError(
                f'{results.get("filename", "clip")} has '
                f'{len(candidates)} frames{fps_note} '
                f'({results["total_frames"]} decoded), fewer than the '
                f'{needed} asked for ({self.num_segments} segments x '
                f'{self.clip_len} frames). Use a longer clip or sample fewer '
                'frames.')
        frame_inds = candidates[self.sample(len(candidates))]
        results['frame_inds'] = (frame_inds +
                                 results['start_index']).astype(np.int32)
        results['clip_len'] = self.clip_len
        results['num_clips'] = self.num_segments
        results['frame_interval'] = None
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_segments={self.num_segments}, '
                f'clip_len={self.clip_len}, target_fps={self.target_fps}, '
                f'test_mode={self.test_mode}, '
                f'repeat_short={self.repeat_short})')
