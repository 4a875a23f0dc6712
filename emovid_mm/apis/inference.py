"""Predict the emotion of any video with a trained model."""
import sys
from pathlib import Path
from typing import List, Optional, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
from decord import DECORDError
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmengine.utils import ProgressBar

from ..datasets.transforms import SegmentSampleFrames
from .emotion_timeline import EmotionTimeline
from .sliding_windows import sliding_windows
from .video_source import VideoReadError, VideoSource, decord_reason


def init_model(config: Union[str, Path, Config],
               checkpoint: Optional[str] = None,
               device: Union[str, torch.device] = 'cuda:0') -> nn.Module:
    """Build the model of a config and load a checkpoint into it.

    The checkpoint is loaded through MMEngine, hence with the safe loader of
    :mod:`emovid_mm.engine.safe_checkpoint`, and strictly: its weights must
    be those of the config's model.

    Args:
        config (str | Path | Config): The config (file) the model was
            trained with.
        checkpoint (str, optional): Checkpoint file; ``None`` keeps the
            initial random weights.
        device (str | torch.device): Where to run the model.

    Returns:
        nn.Module: The model in eval mode, with the config as ``model.cfg``.
    """
    if isinstance(config, (str, Path)):
        config = Config.fromfile(str(config))
    elif not isinstance(config, Config):
        raise TypeError('config must be a file name or a Config, got '
                        f'{type(config)}')
    device = torch.device(device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise RuntimeError(f'Device {device} was asked for, but CUDA is not '
                           'available here; use the cpu.')
    init_default_scope(config.get('default_scope', 'mmaction'))
    model = MODELS.build(config.model)
    if checkpoint is not None:
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    model.cfg = config
    return model.to(device).eval()


def inference_emotion(model: nn.Module,
                      video: Union[str, Path],
                      window: float = 10.0,
                      stride: float = 5.0,
                      batch_size: int = 8,
                      progress: bool = False) -> EmotionTimeline:
    """Predict the emotion of a video, over sliding windows if it is longer
    than one.

    Each window ``[start, end)`` goes through the config's test pipeline
    (that of ``test_dataloader``) as a clip of its own would:
    ``SegmentSampleFrames`` samples the window on the frames' timestamps
    and, where the window has fewer frames at its ``target_fps`` than the
    model takes, repeats them (``repeat_short``). The pipeline must start
    with ``DecordInit``, which is replaced by a reader opened once for the
    whole video.

    Args:
        model (nn.Module): A model from :func:`init_model`.
        video (str | Path): The video file, any container and codec that
            decord (FFmpeg) reads.
        window (float): Window length in seconds; LIRIS-ACCEDE's clips are
            8-12 s long.
        stride (float): Seconds between the starts of two windows.
        batch_size (int): Windows per forward pass.
        progress (bool): Show a progress bar (on stderr) over the windows of
            a video that has more than one.

    Returns:
        EmotionTimeline: The prediction per window, and for the whole video
        (their mean).

    Raises:
        FileNotFoundError: No such file.
        VideoReadError: The file cannot be read as a video.
    """
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}.')
    cfg = model.cfg
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    pipeline, sampler = _window_pipeline(cfg.test_dataloader.dataset.pipeline)
    source = VideoSource(video)
    windows = sliding_windows(source.duration, window, stride)
    needed = sampler.num_segments * sampler.clip_len
    frames_repeated = any(
        len(sampler.candidate_frames_in_window(source.frame_times, *w)) <
        needed for w in windows)
    bar = (
        ProgressBar(len(windows), file=sys.stderr)
        if progress and len(windows) > 1 else None)
    values: List[np.ndarray] = []
    for first in range(0, len(windows), batch_size):
        batch = [
            _load_window(pipeline, source, start, end)
            for start, end in windows[first:first + batch_size]
        ]
        with torch.no_grad():
            samples = model.test_step(pseudo_collate(batch))
        values.extend(s.pred_values.float().cpu().numpy() for s in samples)
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        sys.stderr.write('\n')
    return EmotionTimeline(
        video=source.filename,
        targets=tuple(model.cls_head.targets),
        windows=windows,
        window_values=np.stack(values),
        duration=source.duration,
        num_frames=source.num_frames,
        frames_repeated=frames_repeated)


def _window_pipeline(steps: List[dict]) -> Tuple[Compose, SegmentSampleFrames]:
    """The test pipeline without its ``DecordInit``, with its
    ``SegmentSampleFrames`` in test mode and repeating the frames of short
    windows."""
    if not steps or steps[0]['type'] != 'DecordInit':
        raise ValueError('Inference reads videos with decord: the test '
                         'pipeline must start with DecordInit, got '
                         f'{[t["type"] for t in steps]}.')
    transforms = [TRANSFORMS.build(t) for t in steps[1:]]
    samplers = [t for t in transforms if isinstance(t, SegmentSampleFrames)]
    if len(samplers) != 1:
        raise ValueError('Inference samples windows with SegmentSampleFrames:'
                         ' the test pipeline must have exactly one, got '
                         f'{[t["type"] for t in steps]}.')
    samplers[0].test_mode = True
    samplers[0].repeat_short = True
    return Compose(transforms), samplers[0]


def _load_window(pipeline: Compose, source: VideoSource, start: float,
                 end: float) -> dict:
    """The model input of one window, as the test pipeline packs it."""
    try:
        return pipeline(source.window_results(start, end))
    except DECORDError as err:
        raise VideoReadError(
            source.filename, f'the frames of {start:.1f}-{end:.1f} s cannot '
            f'be decoded: {decord_reason(err)}') from None
