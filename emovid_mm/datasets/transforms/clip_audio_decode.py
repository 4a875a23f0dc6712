"""Decode the audio of a clip over the time span of its sampled frames."""
from typing import Optional, Tuple

import av
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


class AudioUnavailableError(ValueError):
    """A clip has no audio stream, or one that cannot be decoded."""


@TRANSFORMS.register_module()
class ClipAudioDecode(BaseTransform):
    """Decode the first audio stream of the clip file to mono float32 at
    ``sample_rate``, over the time span its frames are sampled from.

    The span is ``time_window`` (``(start, end)`` in seconds) when present,
    else the whole clip ``[0, total_frames / avg_fps)``, on the timeline of
    ``frame_times`` (0 is the first video frame). The output has exactly
    ``round((end - start) * sample_rate)`` samples; sample ``i`` is the sound
    at ``start + i / sample_rate``. Parts of the span the audio stream does
    not cover (it starts late or ends early) are zeros. Codec delays that the
    container records (AAC priming in mp4, Opus pre-skip) are removed by
    FFmpeg; MP3 in AVI, which cannot record its encoder delay, comes out
    about 25 ms late.

    Policy for a clip without an audio stream, or with one that fails to
    decode or decodes to no samples: by default
    :class:`AudioUnavailableError` naming the file (LIRIS-ACCEDE clips all
    have sound, so a training clip without it is broken). With
    ``allow_missing=True`` (inference on any video) the audio is zeros and
    ``audio_missing`` is ``True``, so the model can tell silence from a
    missing track. Never noise (unlike MMAction2's ``AudioDecodeInit``).

    Required keys: ``filename``, and ``total_frames`` with ``avg_fps``
    unless ``time_window`` is given.
    Optional keys: ``time_window``.
    Added keys: ``audio`` (float32, ``(samples,)``), ``audio_sample_rate``,
    ``audio_missing`` (bool).

    Args:
        sample_rate (int): Output sample rate in Hz.
        allow_missing (bool): Give zeros and ``audio_missing=True`` instead
            of raising for a clip without usable audio.
    """

    def __init__(self,
                 sample_rate: int = 16000,
                 allow_missing: bool = False) -> None:
        if sample_rate <= 0:
            raise ValueError(f'sample_rate must be > 0, got {sample_rate}.')
        self.sample_rate = sample_rate
        self.allow_missing = allow_missing

    def decode(self, filename: str,
               end: float) -> Tuple[Optional[np.ndarray], float, str]:
        """Decode the first audio stream until ``end`` seconds.

        Returns:
            tuple: The audio ``(samples,)`` (``None`` when unavailable), the
            time of its first sample on the video timeline in seconds, and
            why it is unavailable (empty when it is not).
        """
        resampler = av.AudioResampler(
            format='flt', layout='mono', rate=self.sample_rate)
        chunks, start = [], None
        try:
            with av.open(filename) as container:
                if not container.streams.audio:
                    return None, 0.0, 'it has no audio stream'
                video = container.streams.video
                origin = float(video[0].start_time * video[0].time_base) if (
                    video and video[0].start_time is not None) else 0.0
                for frame in container.decode(container.streams.audio[0]):
                    if start is None:
                        start = frame.time - origin
                    if frame.time - origin >= end:
                        break
                    chunks += resampler.resample(frame)
                chunks += resampler.resample(None)
        except av.FFmpegError as err:
            return None, 0.0, f'its audio stream cannot be decoded ({err})'
        if start is None:
            return None, 0.0, 'its audio stream decodes to no samples'
        audio = np.concatenate([np.zeros(0, np.float32)] +
                               [c.to_ndarray().reshape(-1) for c in chunks])
        return audio, start, ''

    def transform(self, results: dict) -> dict:
        filename = results['filename']
        if 'time_window' in results:
            start, end = results['time_window']
        else:
            start, end = 0.0, results['total_frames'] / results['avg_fps']
        out = np.zeros(int(round((end - start) * self.sample_rate)),
                       np.float32)
        audio, audio_start, reason = self.decode(filename, end)
        if audio is None:
            if not self.allow_missing:
                raise AudioUnavailableError(
                    f'{filename}: {reason}. Fix or re-encode the clip, or '
                    'set allow_missing=True in ClipAudioDecode to give it '
                    'silence flagged audio_missing.')
        else:
            # Index in ``audio`` of the span's first sample.
            first = int(round((start - audio_start) * self.sample_rate))
            lo, hi = max(first, 0), min(first + len(out), len(audio))
            if hi > lo:
                out[lo - first:hi - first] = audio[lo:hi]
        results['audio'] = out
        results['audio_sample_rate'] = self.sample_rate
        results['audio_missing'] = audio is None
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sample_rate={self.sample_rate}, '
                f'allow_missing={self.allow_missing})')
