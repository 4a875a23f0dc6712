"""Decode the audio of a clip over the time span of its sampled frames."""
from math import gcd
from typing import Iterable, Iterator, Optional, Tuple

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
    container records (AAC priming in mp4, Opus pre-skip, MP3 in mp4, mov or
    mkv) are removed by FFmpeg; MP3 in AVI, which cannot record its encoder
    delay, comes out about 25 ms late.

    A span starting more than ``2 * margin`` seconds after the audio does
    is decoded from a seek to ``margin`` seconds before it (the decoder and
    the resampler settle there; Opus asks for 80 ms), so that each window of
    a long video decodes about its own span, not all the audio before it.
    Its samples are those of decoding from the start where the container's
    timestamps count samples (mp4, mov, avi), but for the noise that AAC
    substitutes for noisy bands (PNS), which the decoder draws from a
    random state that runs over the stream. mkv and webm keep milliseconds,
    so there the span is placed to within half a millisecond (the frames'
    times are as precise). Where the seek lands less than half a margin
    before the span, the audio is decoded from the start.

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

    #: Seconds decoded before a span after seeking, and after its end.
    margin = 0.5

    def __init__(self,
                 sample_rate: int = 16000,
                 allow_missing: bool = False) -> None:
        if sample_rate <= 0:
            raise ValueError(f'sample_rate must be > 0, got {sample_rate}.')
        self.sample_rate = sample_rate
        self.allow_missing = allow_missing

    def decode(self,
               filename: str,
               start: float,
               end: float,
               seek: bool = True) -> Tuple[Optional[np.ndarray], str]:
        """The audio of ``[start, end)`` seconds of the video timeline.

        Args:
            seek (bool): Seek near ``start`` if it is far from the audio's
                start; ``False`` decodes from the start.

        Returns:
            tuple: The audio, ``(round((end - start) * sample_rate),)``
            (``None`` when unavailable), and why it is unavailable (empty
            when it is not).
        """
        try:
            with av.open(filename) as container:
                if not container.streams.audio:
                    return None, 'it has no audio stream'
                stream = container.streams.audio[0]
                video = container.streams.video
                origin = float(video[0].start_time * video[0].time_base) if (
                    video and video[0].start_time is not None) else 0.0
                # The first sample's time, which decoding from the start
                # places its samples from.
                anchor = (
                    float(stream.start_time * stream.time_base)
                    if seek and stream.start_time is not None else None)
                target = origin + start - self.margin
                frames = (
                    self._seek(container, stream, target) if anchor is not None
                    and target > anchor + self.margin else None)
                if frames is None:
                    if anchor is not None:
                        return self.decode(filename, start, end, seek=False)
                    frames = container.decode(stream)
                audio, first, offset = self._resample(
                    frames, anchor, origin + end + self.margin)
        except av.FFmpegError as err:
            return None, f'its audio stream cannot be decoded ({err})'
        if first is None and anchor is None:
            return None, 'its audio stream decodes to no samples'
        out = np.zeros(
            int(round((end - start) * self.sample_rate)), np.float32)
        # Index in ``audio`` of the span's first sample. (Nothing after a
        # seek: the audio ends before the span.)
        if anchor is None:
            anchor = first
        index = int(round(
            (origin + start - anchor) * self.sample_rate)) - offset
        lo, hi = max(index, 0), min(index + len(out), len(audio))
        if hi > lo:
            out[lo - index:hi - index] = audio[lo:hi]
        return out, ''

    def _seek(self, container: av.container.InputContainer,
              stream: av.AudioStream,
              target: float) -> Optional[Iterator[av.AudioFrame]]:
        """The decoded frames of ``stream`` after the first one from a seek
        to ``target`` seconds (of the container's timeline): on the audio
        stream, or where that lands more than a margin early (mkv indexes
        only the video's keyframes) on the default stream if that lands
        later. ``None`` if it lands more than half a margin after
        ``target``, or where no frame follows."""

        def seek_to(on_audio: bool
                    ) -> Tuple[Iterator, Optional[av.AudioFrame]]:
            if on_audio:
                container.seek(int(target / stream.time_base), stream=stream)
            else:
                container.seek(int(target * av.time_base))
            frames = container.decode(stream)
            return frames, next(frames, None)

        frames, frame = seek_to(on_audio=True)
        if frame is not None and frame.time < target - self.margin:
            other, other_frame = seek_to(on_audio=False)
            if other_frame is not None and (frame.time < other_frame.time <=
                                            target + self.margin / 2):
                frames, frame = other, other_frame
            else:
                frames, frame = seek_to(on_audio=True)
        if frame is None or frame.time > target + self.margin / 2:
            return None
        # Without that first frame: FFmpeg may cut a codec delay from it
        # again (Opus' pre-skip in Matroska), moving its timestamp by a
        # rounded amount.
        return frames

    def _resample(self, frames: Iterable[av.AudioFrame],
                  anchor: Optional[float],
                  until: float) -> Tuple[np.ndarray, Optional[float], int]:
        """Resample the decoded ``frames`` that start before ``until``
        seconds (of the container's timeline) to mono at ``sample_rate``.

        With an ``anchor`` (the time of the stream's first sample), the
        first frame is cut to start on a sample that both rates share
        counted from the anchor, so that the output samples are those of
        resampling from the anchor.

        Returns:
            tuple: The audio ``(samples,)``, the time of the first frame
            decoded (``None`` if none), and the index at ``sample_rate`` of
            the audio's first sample counted from the anchor (0 without
            one).
        """
        resampler = av.AudioResampler(
            format='flt', layout='mono', rate=self.sample_rate)
        chunks, first, offset = [], None, 0
        aligned = anchor is None
        for frame in frames:
            if frame.time >= until:
                break
            if first is None:
                first = frame.time
            if not aligned:
                frame, offset = self._align(frame, anchor)
                if frame is None:
                    continue
                aligned = True
            chunks += resampler.resample(frame)
        chunks += resampler.resample(None)
        audio = np.concatenate([np.zeros(0, np.float32)] +
                               [c.to_ndarray().reshape(-1) for c in chunks])
        return audio, first, offset

    def _align(self, frame: av.AudioFrame,
               anchor: float) -> Tuple[Optional[av.AudioFrame], int]:
        """``frame`` without its samples before the first one that falls on
        the output's sample grid counted from ``anchor`` (``None`` if it has
        none), and that sample's index at ``sample_rate``."""
        rate = frame.sample_rate
        step = rate // gcd(rate, self.sample_rate)
        position = int(round((frame.time - anchor) * rate))
        cut = -position % step
        offset = (position + cut) // step * (
            self.sample_rate // gcd(rate, self.sample_rate))
        if cut >= frame.samples:
            return None, offset
        if cut:
            samples = frame.to_ndarray()
            channels = 1 if frame.format.is_planar else len(
                frame.layout.channels)
            cut_frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[:, cut * channels:]),
                format=frame.format.name,
                layout=frame.layout.name)
            cut_frame.sample_rate = rate
            frame = cut_frame
        return frame, offset

    def transform(self, results: dict) -> dict:
        filename = results['filename']
        if 'time_window' in results:
            start, end = results['time_window']
        else:
            start, end = 0.0, results['total_frames'] / results['avg_fps']
        audio, reason = self.decode(filename, start, end)
        missing = audio is None
        if missing:
            if not self.allow_missing:
                raise AudioUnavailableError(
                    f'{filename}: {reason}. Fix or re-encode the clip, or '
                    'set allow_missing=True in ClipAudioDecode to give it '
                    'silence flagged audio_missing.')
            audio = np.zeros(
                int(round((end - start) * self.sample_rate)), np.float32)
        results['audio'] = audio
        results['audio_sample_rate'] = self.sample_rate
        results['audio_missing'] = missing
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sample_rate={self.sample_rate}, '
                f'allow_missing={self.allow_missing})')
