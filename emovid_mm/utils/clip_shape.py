"""Frames and input size of the clips a config's model is tested on."""
from typing import Tuple

from mmengine.config import Config


def clip_shape(cfg: Config) -> Tuple[int, Tuple[int, int]]:
    """Frames per clip and ``(H, W)`` of the config's test pipeline.

    The frames are ``num_segments * clip_len`` of ``SegmentSampleFrames``,
    the size that of the last ``CenterCrop`` or ``Resize`` with
    ``keep_ratio=False``.

    Raises:
        ValueError: naming the config, when its test pipeline lacks them.
    """
    frames, size = None, None
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'SegmentSampleFrames':
            frames = step['num_segments'] * step.get('clip_len', 1)
        elif step['type'] == 'Resize' and not step.get('keep_ratio', True):
            size = (step['scale'][1], step['scale'][0])
        elif step['type'] == 'CenterCrop':
            crop = step['crop_size']
            size = (crop, crop) if isinstance(crop, int) else (crop[1],
                                                               crop[0])
    if frames is None or size is None:
        raise ValueError(
            f'{cfg.filename}: cannot read frames and input size from '
            'test_dataloader.dataset.pipeline; expected SegmentSampleFrames '
            'and a Resize (keep_ratio=False) or a CenterCrop.')
    return frames, size
