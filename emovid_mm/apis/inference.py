"""Predict the emotion of any video with a trained model."""
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Iterator, List, Optional, TypeVar, Union

import numpy as np
import torch
import torch.nn as nn
from mmaction.apis import init_recognizer
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmengine.utils import ProgressBar

from .emotion_timeline import EmotionTimeline
from .sliding_windows import sliding_windows
from .video_source import VideoSource
from .window_pipeline import WindowPipeline

T = TypeVar('T')


class AudioMissingWarning(UserWarning):
    """A video analysed by an audio-visual model has no usable sound."""


def init_model(config: Union[str, Path, Config],
               checkpoint: Optional[str] = None,
               device: Union[str, torch.device] = 'cuda:0') -> nn.Module:
    """Build the model of a config and load a checkpoint into it: MMAction2's
    ``init_recognizer`` (which drops the backbone's ``pretrained``), with the
    checkpoint loaded strictly (its weights must be those of the config's
    model), through MMEngine, hence the safe loader of
    :mod:`emovid_mm.engine.safe_checkpoint`, and a clear error where CUDA is
    asked for but absent.

    Args:
        config (str | Path | Config): The config (file) the model was
            trained with.
        checkpoint (str, optional): Checkpoint file; ``None`` keeps the
            initial random weights.
        device (str | torch.device): Where to run the model.

    Returns:
        nn.Module: The model in eval mode, with the config as ``model.cfg``.
    """
    device = torch.device(device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise RuntimeError(f'Device {device} was asked for, but CUDA is not '
                           'available here; use the cpu.')
    model = init_recognizer(config, device=device)
    if checkpoint is not None:
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    return model


def inference_emotion(model: nn.Module,
                      video: Union[str, Path],
                      window: float = 10.0,
                      stride: float = 5.0,
                      batch_size: int = 8,
                      progress: bool = False,
                      reading: str = 'stream') -> EmotionTimeline:
    """Predict the emotion of a video, over sliding windows if it is longer
    than one.

    Each window ``[start, end)`` goes through the config's test pipeline
    (that of ``test_dataloader``) as a clip of its own would:
    ``SegmentSampleFrames`` samples the window on the frames' timestamps
    and, where the window has fewer frames at its ``target_fps`` than the
    model takes, repeats them (``repeat_short``); ``ClipAudioDecode``, in
    the pipeline of a model with an audio branch, decodes the sound of the
    window's span. The pipeline must start with ``DecordInit``,
    ``SegmentSampleFrames``, ``DecordDecode``, or decode sound alone; the
    video is opened once (see :class:`WindowPipeline`). The next
    ``batch_size`` windows are read, in a thread, while the model predicts.

    A video without usable sound (no audio track, or one that cannot be
    decoded) is predicted by an audio-visual model from its frames alone,
    its audio features zeroed as in training with modality dropout, with an
    :class:`AudioMissingWarning` naming it; a model of sound alone cannot
    predict it (``AudioUnavailableError``).

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
        reading (str): ``'stream'`` reads the video once, in order, and
            keeps only the frames the windows take, at the model's size;
            ``'seek'`` decodes each window on its own (overlapping windows
            decode their frames again). Both give the same predictions;
            ``'seek'`` is the reference ``'stream'`` is checked against.

    Returns:
        EmotionTimeline: The prediction per window, and for the whole video
        (their mean).

    Raises:
        FileNotFoundError: No such file.
        VideoReadError: The file cannot be read as a video.
        AudioUnavailableError: The model takes sound alone, and the video
            has none that can be decoded.
    """
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}.')
    if reading not in ('stream', 'seek'):
        raise ValueError("reading must be 'stream' or 'seek', got "
                         f'{reading!r}.')
    cfg = model.cfg
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    pipeline = WindowPipeline(cfg.test_dataloader.dataset.pipeline)
    source = VideoSource(video)
    windows = sliding_windows(source.duration, window, stride)
    sampler = pipeline.sampler
    frames_repeated = sampler is not None and any(
        len(sampler.candidate_frames_in_window(source.frame_times, *w)) <
        sampler.num_segments * sampler.clip_len for w in windows)
    inputs = getattr(pipeline, reading)(source, windows)
    bar = (
        ProgressBar(len(windows), file=sys.stderr)
        if progress and len(windows) > 1 else None)
    values: List[np.ndarray] = []
    num_silent = 0
    batches = iter(lambda: list(islice(inputs, batch_size)), [])
    for batch in _read_ahead(batches):
        num_silent += sum(
            bool(x['data_samples'].metainfo.get('audio_missing'))
            for x in batch)
        with torch.no_grad():
            samples = model.test_step(pseudo_collate(batch))
        values.extend(s.pred_values.float().cpu().numpy() for s in samples)
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        sys.stderr.write('\n')
    if num_silent:
        warnings.warn(
            AudioMissingWarning(
                f'{source.filename} has no audio track, or one that cannot '
                f'be decoded ({num_silent} of {len(windows)} window(s)): '
                'predicted from its frames alone, its audio features '
                'zeroed.'))
    return EmotionTimeline(
        video=source.filename,
        targets=tuple(model.cls_head.targets),
        windows=windows,
        window_values=np.stack(values),
        duration=source.duration,
        num_frames=source.num_frames,
        frames_repeated=frames_repeated,
        windows_without_sound=num_silent)


def _read_ahead(items: Iterator[T]) -> Iterator[T]:
    """``items``, each taken in a thread while the one before is used: the
    video is decoded while the model predicts."""
    with ThreadPoolExecutor(1) as thread:
        future = thread.submit(next, items, None)
        while (item := future.result()) is not None:
            future = thread.submit(next, items, None)
            yield item
