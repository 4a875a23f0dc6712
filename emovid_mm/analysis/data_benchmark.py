"""Clips per second of a config's training data, through a real
``DataLoader``, against other ways to load the same clips, and the time of
the config's training step: whether data or compute bounds a run.

The clips are the first ``clips`` of the config's training split. Each way
is the config's training dataset with its pipeline replaced:

* ``config``: the config's training pipeline, as it is;
* ``mmaction2 stock``: the training pipeline of MMAction2's TSN config for
  videos (``STOCK_CONFIG``: ``DecordInit``, ``SampleFrames(clip_len=1,
  frame_interval=1, num_clips=8)``, ``DecordDecode``, ``Resize(scale=(-1,
  256))``, ``MultiScaleCrop(224, scales=(1, 0.875, 0.75, 0.66))``,
  ``Resize(224, 224)``, ``Flip(0.5)``, ``FormatShape('NCHW')``,
  ``PackActionInputs``) read from MMAction2's installed config, with
  ``num_clips`` set to the config's frames per clip and, for a config not at
  224x224, its three sizes scaled to the config's input size;
* ``decode floor``: the config's pipeline up to its decode step (decord
  opening the clip, the config's sampler, decord decoding the sampled
  frames), the frames then dropped, so nothing else is timed, not even
  their way back from the workers;
* ``store``: a clip store of ``tools/data/prepare_liris.py`` (the clips'
  frames at the sampler's rate, kept as JPEG files), when one is given: the
  config's pipeline reading it (:func:`store_pipeline`), its dataset's
  ``data_prefix['store']`` set to it.

Each way runs through ``torch.utils.data.DataLoader`` with the config's
batch size, MMEngine's ``pseudo_collate``, the clips in order and 0, 1, 2,
... worker processes (persistent; PyTorch runs each on one torch thread,
and the benchmark runs the main process on one too; OpenCV threads and the
start method as the config's ``env_cfg.mp_cfg`` sets them for the runner).
Per worker count, every way first loads a batch per worker (warm-up: the
workers start, import and open their first clips) and then ``repeat`` whole
passes over the clips, the ways taking turns, each pass timed from the
start of its iteration to its last batch. Files read before come from the
page cache (generated clips, just written, do): the times are those of
decoding and transforming, not of reading a disk.

The training step is the config's model (random weights, built as
:func:`~emovid_mm.analysis.model_complexity.build_model` does) doing
``train_step`` (data preprocessor, forward, loss, backward, the config's
optimizer wrapper) on the first batch of the ``config`` way, on ``device``,
after one warm-up step; on the CPU with ``torch.get_num_threads()`` threads.

The verdict compares, per worker count, the ``config`` way's clips per
second with the training step's: data bounds the run when the workers feed
fewer clips than the model takes. The workers each way needs to feed the
model divide the step's clips per second by the way's per worker, measured
at the fewest workers above 0 (or at 0, if only 0 is given): they assume a
core per worker. On the CPU, the model and the workers share the same
cores, so the comparison says which is slower, not how fast training is.
"""
from __future__ import annotations

import math
import os.path as osp
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mmaction
import torch
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.utils.dl_utils import set_multi_processing
from torch.utils.data import DataLoader, Dataset

from ..utils import clip_shape, markdown_table
from .model_complexity import build_model

#: MMAction2's TSN config for videos whose training pipeline is the stock.
STOCK_CONFIG = osp.join(
    osp.dirname(mmaction.__file__), '.mim', 'configs', 'recognition', 'tsn',
    'tsn_imagenet-pretrained-r50_8xb32-1x1x8-100e_kinetics400-rgb.py')
#: The input size (pixels) of the stock pipeline.
STOCK_SIZE = 224
#: The ways, in the order of the tables.
WAYS = ('config', 'mmaction2 stock', 'store', 'decode floor')


@dataclass
class LoaderTiming:
    """Timed passes of one way over the clips with ``workers`` workers."""

    way: str
    workers: int
    clips: int
    seconds: list[float]

    @property
    def rates(self) -> list[float]:
        """Clips per second of each pass."""
        return [self.clips / seconds for seconds in self.seconds]

    @property
    def rate(self) -> float:
        """Clips per second of the median pass."""
        return statistics.median(self.rates)


@dataclass
class StepTiming:
    """Timed training steps on one batch."""

    device: str
    batch_size: int
    threads: int
    seconds: list[float]

    @property
    def rate(self) -> float:
        """Clips per second of the median step."""
        return self.batch_size / statistics.median(self.seconds)


@dataclass
class DataBenchmark:
    """Everything :func:`benchmark_data` measured for one config."""

    name: str
    clips: int
    batch_size: int
    frames: int
    size: tuple[int, int]
    timings: list[LoaderTiming]
    step: StepTiming


def stock_pipeline(frames: int, size: tuple[int, int]) -> list[dict]:
    """MMAction2's stock TSN training pipeline for videos (``STOCK_CONFIG``)
    taking ``frames`` frames per clip, its sizes scaled to ``(H, W)``.

    Raises:
        FileNotFoundError: MMAction2 is installed without its configs.
    """
    if not osp.isfile(STOCK_CONFIG):
        raise FileNotFoundError(
            f'MMAction2\'s config {STOCK_CONFIG} is not installed; install '
            'mmaction2 from its package (with its .mim configs).')
    height, width = size
    scaled = size != (STOCK_SIZE, STOCK_SIZE)
    pipeline = []
    for step in Config.fromfile(STOCK_CONFIG).train_pipeline:
        step = dict(step)
        if step['type'] == 'SampleFrames':
            step['num_clips'] = frames
        elif scaled and step['type'] == 'MultiScaleCrop':
            step['input_size'] = (width, height)
        elif scaled and step['type'] == 'Resize':
            short = step['scale'][1] * min(size) / STOCK_SIZE
            step['scale'] = ((-1, round(short)) if step['scale'][0] == -1
                             else (width, height))
        pipeline.append(step)
    return pipeline


def drop_frames(results: dict) -> dict:
    """The results without their decoded frames (the decode floor's last
    step)."""
    return {key: value for key, value in results.items() if key != 'imgs'}


def floor_pipeline(pipeline: Sequence[dict]) -> list:
    """The steps of ``pipeline`` up to its decode step (a ``*Decode``
    transform), then :func:`drop_frames`.

    Raises:
        ValueError: ``pipeline`` has no decode step.
    """
    for i, step in enumerate(pipeline):
        if step['type'].endswith('Decode'):
            return [*pipeline[:i + 1], drop_frames]
    raise ValueError('The training pipeline has no decode step (a *Decode '
                     f'transform): {[step["type"] for step in pipeline]}')


def store_pipeline(pipeline: Sequence[dict]) -> list[dict]:
    """``pipeline`` reading a clip store: without ``DecordInit``, MMAction2's
    ``RawFrameDecode`` for ``DecordDecode``.

    Raises:
        ValueError: ``pipeline`` has no ``DecordDecode`` step.
    """
    if not any(step['type'] == 'DecordDecode' for step in pipeline):
        raise ValueError('A clip store replaces DecordDecode, which the '
                         'training pipeline lacks: '
                         f'{[step["type"] for step in pipeline]}')
    return [
        dict(type='RawFrameDecode') if step['type'] == 'DecordDecode' else
        step for step in pipeline if step['type'] != 'DecordInit'
    ]


def time_loaders(datasets: dict[str, Dataset], batch_size: int,
                 workers: Sequence[int], repeat: int) -> list[LoaderTiming]:
    """Time ``repeat`` passes over each dataset per worker count, the
    datasets taking turns, after a warm-up of a batch per worker."""
    timings = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for num_workers in workers:
            loaders = {
                way: DataLoader(
                    dataset,
                    batch_size=batch_size,
                    num_workers=num_workers,
                    persistent_workers=num_workers > 0,
                    collate_fn=pseudo_collate)
                for way, dataset in datasets.items()
            }
            for loader in loaders.values():
                batches = iter(loader)
                for _ in range(min(max(num_workers, 1), len(loader))):
                    next(batches)
                del batches
            seconds: dict[str, list[float]] = {way: [] for way in loaders}
            for _ in range(repeat):
                for way, loader in loaders.items():
                    batches = iter(loader)
                    start = time.perf_counter()
                    for _ in batches:
                        pass
                    seconds[way].append(time.perf_counter() - start)
            timings += [
                LoaderTiming(way, num_workers, len(datasets[way]), times)
                for way, times in seconds.items()
            ]
            del loaders
    finally:
        torch.set_num_threads(threads)
    return timings


def time_train_step(config: str, optim_wrapper: dict, batch: dict,
                    device: str, runs: int) -> StepTiming:
    """Time ``runs`` training steps of the config's model on ``batch``, after
    a warm-up step."""
    model = build_model(config)[0].to(device).train()
    wrapper = build_optim_wrapper(model, optim_wrapper)
    on_cuda = torch.device(device).type == 'cuda'
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        model.train_step(batch, wrapper)
        if on_cuda:
            torch.cuda.synchronize(device)
        times.append(time.perf_counter() - start)
    return StepTiming(device, len(batch['data_samples']),
                      torch.get_num_threads(), times[1:])


def benchmark_data(config: str,
                   data_root: str | None = None,
                   clips: int = 64,
                   workers: Sequence[int] = (0, 1, 2),
                   repeat: int = 3,
                   store: str | None = None,
                   device: str = 'cpu',
                   steps: int = 3) -> DataBenchmark:
    """Time the ways of loading the first ``clips`` clips of the config's
    training split, then its training step.

    Args:
        config: The config file.
        data_root: The dataset folder, instead of the config's.
        clips: Clips to load, the first of the training split.
        workers: Worker counts of the ``DataLoader``.
        repeat: Timed passes over the clips per way and worker count.
        store: A clip store folder of the clips, at the rate of the
            config's sampler, for the ``store`` way.
        device: Where to time the training step, e.g. ``'cuda:0'``.
        steps: Timed training steps.

    Raises:
        FileNotFoundError: No file at ``config``, or no clip store at
            ``store`` (or clips missing from it).
        ValueError: An argument is out of range, the config's training
            pipeline has no decode step, or its model takes no frames.
    """
    if clips < 1 or repeat < 1 or steps < 1 or not workers or min(workers) < 0:
        raise ValueError('clips, repeat and steps must be >= 1 and workers '
                         f'>= 0, got clips={clips}, repeat={repeat}, '
                         f'steps={steps}, workers={list(workers)}')
    if not osp.isfile(config):
        raise FileNotFoundError(f'Config file not found: {config}')
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    set_multi_processing(**cfg.get('env_cfg', {}).get('mp_cfg', {}))
    clip = clip_shape(cfg)
    if clip is None:
        raise ValueError(
            f'{config} is an audio-only model; the data benchmark times the '
            'decoding of frames. Benchmark an audio-visual config instead.')
    frames, size = clip
    train = dict(cfg.train_dataloader.dataset, indices=clips)
    if data_root is not None:
        train['data_root'] = data_root
    pipelines: dict[str, list[dict | Callable]] = {
        'config': train['pipeline'],
        'mmaction2 stock': stock_pipeline(frames, size),
        'decode floor': floor_pipeline(train['pipeline']),
    }
    datasets = {
        way: DATASETS.build(dict(train, pipeline=pipeline))
        for way, pipeline in pipelines.items()
    }
    if store is not None:
        prefix = {
            key: osp.abspath(path)
            for key, path in datasets['config'].data_prefix.items()
        }
        datasets['store'] = DATASETS.build(
            dict(
                train,
                data_prefix=dict(prefix, store=osp.abspath(store)),
                pipeline=store_pipeline(train['pipeline'])))
    batch_size = cfg.train_dataloader.batch_size
    num_clips = len(datasets['config'])
    timings = time_loaders(datasets, batch_size, workers, repeat)
    batch = pseudo_collate(
        [datasets['config'][i] for i in range(min(batch_size, num_clips))])
    if torch.device(device).type == 'cuda':
        torch.backends.cudnn.benchmark = cfg.get('env_cfg', {}).get(
            'cudnn_benchmark', False)
    step = time_train_step(config, cfg.optim_wrapper, batch, device, steps)
    return DataBenchmark(
        osp.splitext(osp.basename(config))[0], num_clips, batch_size, frames,
        size, timings, step)


def loader_table(report: DataBenchmark) -> str:
    """One row per way and worker count: clips/s of the median pass (least
    and most), ms per clip and time over the decode floor's."""
    floors = {
        t.workers: statistics.median(t.seconds)
        for t in report.timings if t.way == 'decode floor'
    }
    rows = []
    for t in sorted(report.timings,
                    key=lambda t: (WAYS.index(t.way), t.workers)):
        rows.append([
            t.way, t.workers,
            f'{t.rate:.1f} ({min(t.rates):.1f}-{max(t.rates):.1f})',
            f'{1e3 / t.rate:.0f}',
            f'{statistics.median(t.seconds) / floors[t.workers]:.2f}'
        ])
    return markdown_table([
        'way', 'workers', f'clips/s (least-most of {len(t.seconds)})',
        'ms/clip', 'x floor'
    ], rows)


def step_table(report: DataBenchmark) -> str:
    """The training step: median seconds (least-most) and clips/s."""
    s = report.step
    return markdown_table([
        'training step', 'device', 'threads', 'batch',
        f's/step (least-most of {len(s.seconds)})', 'clips/s'
    ], [[
        report.name, s.device, s.threads, s.batch_size,
        f'{statistics.median(s.seconds):.2f} ({min(s.seconds):.2f}-'
        f'{max(s.seconds):.2f})', f'{s.rate:.1f}'
    ]])


def workers_needed(report: DataBenchmark, way: str) -> int:
    """Workers of ``way`` that would feed the training step, from its clips
    per second per worker at the fewest workers measured above 0 (at 0 if
    only 0 was measured)."""
    timings = sorted((t for t in report.timings if t.way == way),
                     key=lambda t: (t.workers == 0, t.workers))
    per_worker = timings[0].rate / max(timings[0].workers, 1)
    return max(1, math.ceil(report.step.rate / per_worker))


def verdict(report: DataBenchmark) -> list[str]:
    """Per worker count, whether the ``config`` way's data or the training
    step bounds the run, and the workers each way needs to feed the model.
    """
    step = report.step.rate
    lines = []
    for t in sorted((t for t in report.timings if t.way == 'config'),
                    key=lambda t: t.workers):
        bound = ('data bounds the run' if t.rate < step else
                 'compute bounds the run')
        workers = f'{t.workers} worker' + 's' * (t.workers != 1)
        lines.append(f'{workers}: data {t.rate:.1f} clips/s, '
                     f'model {step:.1f} clips/s on {report.step.device}: '
                     f'{bound}')
    ways = sorted({t.way for t in report.timings}, key=WAYS.index)
    lines.append('Workers to feed the model: ' + ', '.join(
        f'{way} {workers_needed(report, way)}' for way in ways))
    return lines
