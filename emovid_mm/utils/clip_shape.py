"""Frames, input size and audio input of the clips a config's model is tested
on."""
from typing import Any, Optional, Tuple

from mmengine.config import Config


def clip_shape(cfg: Config) -> Optional[Tuple[int, Tuple[int, int]]]:
    """Frames per clip and ``(H, W)`` of the config's test pipeline, or
    ``None`` for an audio-only pipeline (see :func:`audio_shape`).

    The frames are ``num_segments * clip_len`` of ``SegmentSampleFrames``,
    the size that of the last ``CenterCrop`` or ``Resize`` with
    ``keep_ratio=False``.

    Raises:
        ValueError: naming the config, when its test pipeline samples frames
            without giving their size, or samples neither frames nor audio.
    """
    frames, size, audio = None, None, False
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'SegmentSampleFrames':
            frames = step['num_segments'] * step.get('clip_len', 1)
        elif step['type'] == 'Resize' and not step.get('keep_ratio', True):
            size = (step['scale'][1], step['scale'][0])
        elif step['type'] == 'CenterCrop':
            crop = step['crop_size']
            size = (crop, crop) if isinstance(crop, int) else (crop[1],
                                                               crop[0])
        elif step['type'] == 'SegmentSampleMel':
            audio = True
    if frames is None and size is None and audio:
        return None
    if frames is None or size is None:
        raise ValueError(
            f'{cfg.filename}: cannot read frames and input size from '
            'test_dataloader.dataset.pipeline; expected SegmentSampleFrames '
            'and a Resize (keep_ratio=False) or a CenterCrop (or, for audio '
            'alone, SegmentSampleMel and no frame steps).')
    return frames, size


def audio_shape(cfg: Config) -> Optional[Tuple[int, int, int]]:
    """``(segments, mels, frames)`` of the log-mel input of the config's test
    pipeline (``num_segments``, ``n_mels`` and ``segment_frames`` of its
    ``LogMelSpectrogram`` and ``SegmentSampleMel``), or ``None`` when it
    takes no audio.

    Raises:
        ValueError: naming the config, when its test pipeline has
            ``SegmentSampleMel`` without ``LogMelSpectrogram``.
    """
    # Imported here: the package imports utils before its transforms and
    # their dependencies (emovid_mm/__init__.py).
    from ..datasets.transforms import LogMelSpectrogram, SegmentSampleMel
    steps = {
        step['type']: step
        for step in cfg.test_dataloader.dataset.pipeline
    }
    if 'SegmentSampleMel' not in steps:
        return None
    if 'LogMelSpectrogram' not in steps:
        raise ValueError(
            f'{cfg.filename}: test_dataloader.dataset.pipeline has '
            'SegmentSampleMel but no LogMelSpectrogram before it to give '
            'the mel bands.')

    def build(transform: type) -> Any:
        kwargs = dict(steps[transform.__name__])
        kwargs.pop('type')
        return transform(**kwargs)

    mel, sampler = build(LogMelSpectrogram), build(SegmentSampleMel)
    return sampler.num_segments, mel.n_mels, sampler.segment_frames
