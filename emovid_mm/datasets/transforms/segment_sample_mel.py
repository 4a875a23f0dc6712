"""TSN-style segment sampling of a clip's log-mel spectrogram."""
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class SegmentSampleMel(BaseTransform):
    """Cut the log-mel spectrogram of a clip into ``num_segments`` segments
    of equal duration and take one window of ``segment_frames`` mel frames
    per segment, as :class:`SegmentSampleFrames` takes frames.

    A window starts at a random position in training and is centred on its
    segment in testing. A segment shorter than the window lies inside its
    window, so neighbouring windows overlap. Windows stay inside the
    spectrogram; one shorter than a window is first padded at its end with
    its own minimum (silence in dB). Every clip thus gives the same shape,
    and the windows cover the span its frames are sampled from.

    Random positions come from numpy's global RNG (seeded per epoch by the
    ``EpochSeedHook``).

    Required keys: ``audio_mel`` (float32, ``(1, M, F)``).
    Modified keys: ``audio_mel`` (float32,
    ``(num_segments, 1, M, segment_frames)``).

    Args:
        num_segments (int): Number of segments ``S``.
        segment_frames (int): Mel frames per window.
        test_mode (bool): Take the window centred on each segment.
    """

    def __init__(self,
                 num_segments: int = 8,
                 segment_frames: int = 96,
                 test_mode: bool = False) -> None:
        if num_segments < 1 or segment_frames < 1:
            raise ValueError('num_segments and segment_frames must be >= 1, '
                             f'got {num_segments} and {segment_frames}.')
        self.num_segments = num_segments
        self.segment_frames = segment_frames
        self.test_mode = test_mode

    def window_starts(self, num_frames: int) -> np.ndarray:
        """First mel frame of each window, ``(num_segments,)``, for a
        spectrogram of ``num_frames >= segment_frames`` frames."""
        bounds = np.floor(
            np.arange(self.num_segments + 1) * num_frames /
            self.num_segments).astype(np.int64)
        # Negative when the segment is shorter than the window, which then
        # starts up to -room frames before the segment.
        room = bounds[1:] - bounds[:-1] - self.segment_frames
        if self.test_mode:
            offsets = room // 2
        else:
            offsets = np.random.randint(
                np.minimum(room, 0),
                np.maximum(room, 0) + 1)
        return np.clip(bounds[:-1] + offsets, 0,
                       num_frames - self.segment_frames)

    def transform(self, results: dict) -> dict:
        mel = np.asarray(results['audio_mel'], np.float32)
        if mel.ndim != 3 or mel.shape[0] != 1 or mel.shape[2] == 0:
            raise ValueError(
                f'{results.get("filename", "clip")}: audio_mel must be '
                f'(1, n_mels, frames) with frames > 0, got {mel.shape}. Put '
                'LogMelSpectrogram before SegmentSampleMel.')
        if mel.shape[2] < self.segment_frames:
            mel = np.pad(
                mel, ((0, 0), (0, 0), (0, self.segment_frames - mel.shape[2])),
                constant_values=mel.min())
        starts = self.window_starts(mel.shape[2])
        # (1, M, S, W) -> (S, 1, M, W)
        windows = mel[:, :, starts[:, None] + np.arange(self.segment_frames)]
        results['audio_mel'] = np.ascontiguousarray(
            windows.transpose(2, 0, 1, 3))
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_segments={self.num_segments}, '
                f'segment_frames={self.segment_frames}, '
                f'test_mode={self.test_mode})')
