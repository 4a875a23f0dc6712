"""A config's test pipeline, cut to feed the windows of one video."""
from typing import Dict, Iterator, List, Optional

import numpy as np
from decord import DECORDError
from mmaction.datasets.transforms import (CenterCrop, DecordDecode,
                                          PackActionInputs, Resize)
from mmaction.registry import TRANSFORMS
from mmengine.dataset import Compose

from ..datasets.transforms import (AudioUnavailableError, ClipAudioDecode,
                                   SegmentSampleFrames)
from .video_source import VideoReadError, VideoSource, decord_reason

#: Transforms that change each frame alone, whatever the other frames of the
#: clip: they can run on the frames as they are decoded.
FRAME_TRANSFORMS = (Resize, CenterCrop)


class WindowPipeline:
    """The test pipeline of a config, as the inputs of the windows of one
    video.

    The pipeline of a model of frames must be ``DecordInit``,
    ``SegmentSampleFrames``, ``DecordDecode`` (``mode='accurate'``), then
    any transforms. The ``DecordInit`` is replaced by the reader of a
    :class:`VideoSource`, and ``SegmentSampleFrames`` samples each window
    in test mode, repeating the frames of a short one (``repeat_short``).
    The non-lazy ``Resize`` and ``CenterCrop`` right after the decoding are
    the *frame steps*; the rest are the *window steps*. That of a model of
    sound alone decodes no frame: ``DecordInit`` (optional), then window
    steps only.

    The window steps may decode the window's sound (``ClipAudioDecode``,
    over the window's span, ``time_window``), with ``allow_missing``: a
    video without usable sound gets silence flagged ``audio_missing`` in
    the samples' metainfo, and an audio-visual model predicts it from its
    frames alone. With no frames to predict from (a model of sound alone),
    it is an ``AudioUnavailableError`` naming the video.

    :meth:`stream` reads the video once, in order: it decodes the frames
    any window takes, each once, puts them through the frame steps at once
    (so a frame is kept at the model's size) and holds it until the last
    window that takes it has its input. :meth:`seek` decodes each window on
    its own, seeking back to a keyframe before it: windows that overlap
    decode their frames again. Both give the same inputs, those of the whole
    test pipeline on each window.

    Args:
        steps (list[dict]): The test pipeline (that of ``test_dataloader``).
        chunk_size (int): Frames :meth:`stream` decodes at a time (at the
            video's size).

    Attributes:
        sampler (SegmentSampleFrames, optional): Samples the frames of a
            window; ``None`` for a model of sound alone.
        audio (ClipAudioDecode, optional): Decodes the sound of a window;
            ``None`` for a model of frames alone.
    """

    def __init__(self, steps: List[dict], chunk_size: int = 16) -> None:
        types = [t['type'] for t in steps]
        if chunk_size < 1:
            raise ValueError(f'chunk_size must be >= 1, got {chunk_size}.')
        frames = types[:3] == [
            'DecordInit', 'SegmentSampleFrames', 'DecordDecode'
        ]
        rest = steps[3 if frames else int(types[:1] == ['DecordInit']):]
        rest_types = types[len(types) - len(rest):]
        reads_frames = any(
            t.endswith(('Init', 'SampleFrames'))
            or t.endswith('Decode') and t != 'ClipAudioDecode'
            for t in rest_types)
        if not frames and (reads_frames
                           or 'ClipAudioDecode' not in rest_types):
            raise ValueError(
                'Inference reads windows of videos: the test pipeline must '
                'start with DecordInit, SegmentSampleFrames, DecordDecode '
                '(a model of frames, or of frames and sound), or decode '
                'sound alone (DecordInit, ClipAudioDecode, ... without '
                f'frame sampling or decoding), got {types}.')
        transforms = [TRANSFORMS.build(t) for t in rest]
        self.sampler: Optional[SegmentSampleFrames] = None
        self.decode: Optional[DecordDecode] = None
        num_frame_steps = 0
        if frames:
            self.sampler = TRANSFORMS.build(steps[1])
            self.sampler.test_mode = True
            self.sampler.repeat_short = True
            self.decode = TRANSFORMS.build(steps[2])
            if self.decode.mode != 'accurate':
                raise ValueError(
                    'Inference decodes the frames sampled, not the '
                    "keyframes near them: DecordDecode's mode must be "
                    f"'accurate', got '{self.decode.mode}'.")
            while (num_frame_steps < len(transforms)
                   and type(transforms[num_frame_steps]) in FRAME_TRANSFORMS
                   and not transforms[num_frame_steps].lazy):
                num_frame_steps += 1
        self.frame_steps = Compose(transforms[:num_frame_steps])
        self.window_steps = Compose(transforms[num_frame_steps:])
        self.audio: Optional[ClipAudioDecode] = next(
            (t for t in transforms if isinstance(t, ClipAudioDecode)), None)
        if self.audio is not None:
            self.audio.allow_missing = True
            for t in transforms:
                if (isinstance(t, PackActionInputs)
                        and 'audio_missing' not in t.meta_keys):
                    t.meta_keys = (*t.meta_keys, 'audio_missing')
        self.chunk_size = chunk_size

    def sample(self, source: VideoSource, windows: np.ndarray) -> List[dict]:
        """The results of ``SegmentSampleFrames`` on each window
        ``(num_windows, 2)`` (in seconds), with its ``frame_inds`` (those
        of the window alone for a model of sound alone)."""
        return [
            self.sampler(source.window_results(start, end))
            if self.sampler is not None else source.window_results(start, end)
            for start, end in windows
        ]

    def seek(self, source: VideoSource, windows: np.ndarray) -> Iterator[dict]:
        """The input of each window, in order, each decoded on its own."""
        for results in self.sample(source, windows):
            if self.sampler is not None:
                results = self._decode(source, results, results['frame_inds'])
            inputs = self.window_steps(results)
            if (self.sampler is None
                    and inputs['data_samples'].metainfo.get('audio_missing')):
                raise AudioUnavailableError(
                    f'{source.filename} has no audio track, or one that '
                    'cannot be decoded, and the model hears sound alone. '
                    'Analyse it with a model of its frames (an audio-visual '
                    'or visual config).')
            yield inputs

    def stream(self, source: VideoSource,
               windows: np.ndarray) -> Iterator[dict]:
        """The input of each window, in order, from one reading of the video
        in order.

        The frames held are those decoded that a window still to come takes
        (about those of the windows over one point of the video) and at most
        ``chunk_size`` at the video's size, whatever its length.
        """
        if self.sampler is None:
            yield from self.seek(source, windows)
            return
        sampled = self.sample(source, windows)
        last_use: Dict[int, int] = {}
        for i, results in enumerate(sampled):
            last_use.update(dict.fromkeys(results['frame_inds'].tolist(), i))
        needed = np.array(sorted(last_use), np.int64)
        frames: Dict[int, np.ndarray] = {}
        added: dict = {}
        num_decoded = 0
        for i, results in enumerate(sampled):
            inds = results['frame_inds'].tolist()
            last = max(inds)
            while num_decoded < len(needed) and needed[num_decoded] <= last:
                chunk = needed[num_decoded:num_decoded + self.chunk_size]
                decoded = self._decode(source, results, chunk)
                frames.update(zip(chunk.tolist(), decoded.pop('imgs')))
                # What the decoding and the frame steps add or replace
                # (img_shape, scale_factor, ...): the same for every chunk.
                added = {
                    k: v
                    for k, v in decoded.items() if k != 'frame_inds' and (
                        k not in results or v is not results[k])
                }
                num_decoded += len(chunk)
            yield self.window_steps(
                dict(results, **added, imgs=[frames[j] for j in inds]))
            for j in set(inds):
                if last_use[j] == i:
                    del frames[j]

    def _decode(self, source: VideoSource, results: dict,
                frame_inds: np.ndarray) -> dict:
        """``results`` with the frames ``frame_inds`` decoded and through
        the frame steps, as ``imgs``."""
        try:
            results = self.decode(dict(results, frame_inds=frame_inds))
        except DECORDError as err:
            start, end = source.frame_times[[frame_inds.min(),
                                             frame_inds.max()]]
            raise VideoReadError(
                source.filename, f'the frames of {start:.1f}-{end:.1f} s '
                f'cannot be decoded: {decord_reason(err)}') from None
        return self.frame_steps(results)
