"""Time the analysis of a long video by ``inference_emotion``, reading it
once in order (``stream``) and decoding each window on its own (``seek``),
against the time to just decode it.

    python tools/analysis/benchmark_inference.py CONFIG VIDEO \
        [--checkpoint CKPT] [--make-video] [--repeat 3] [--device cpu] \
        [--window 10] [--stride 5] [--batch-size 8]

``--make-video`` first writes VIDEO (if there is none): a 10-minute
1280x720 H.264 film at 25 fps (libx264, ``veryfast``, CRF 23, a keyframe at
least every 250 frames and at x264's scene cuts), of scenes of 6 s, each a
textured picture panning at its own speed with discs moving over it. It
prints a table, each way timed ``--repeat`` times, the ways taking turns:

* ``decode floor``: PyAV (FFmpeg) decodes every frame, multi-threaded
  (``thread_type='AUTO'``), without converting them to RGB;
* ``seek, inputs`` and ``stream, inputs``: the windows' inputs of
  :class:`~emovid_mm.apis.WindowPipeline` (decoding, test pipeline), no
  model;
* ``model``: the model alone, on the windows' inputs read beforehand;
* ``seek`` and ``stream``: ``inference_emotion`` with ``reading='seek'``
  and ``'stream'``, model included (it reads the next windows while the
  model predicts).

Seconds are the median over the runs, with the least and the most; ``video
s / s`` is the video's duration over the median (the real-time factor), and
``x floor`` the median over that of the decode floor. Without a checkpoint
the model has its initial random weights, as fast as trained ones. It also
prints the largest difference between the two ways' predictions (0: the
same).
"""
import argparse
import os.path as osp
import statistics
import time
from itertools import islice
from typing import Callable, Dict, List

import av
import cv2
import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from emovid_mm.apis import (VideoSource, WindowPipeline, inference_emotion,
                            init_model, sliding_windows)
from emovid_mm.utils import markdown_table

#: The film ``--make-video`` writes: seconds, (width, height), frames/s.
FILM_DURATION, FILM_SIZE, FILM_FPS = 600.0, (1280, 720), 25
SCENE_SECONDS = 6.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Time inference_emotion on a long video, streamed and '
        'per window, against the time to decode it')
    parser.add_argument('config', help='the config of the model')
    parser.add_argument('video', help='the video to analyse')
    parser.add_argument(
        '--checkpoint', help='its checkpoint (default: random weights)')
    parser.add_argument(
        '--make-video',
        action='store_true',
        help='write VIDEO first, if there is none: a 10-minute 720p H.264 '
        'film')
    parser.add_argument(
        '--repeat', type=int, default=3, help='runs of each way')
    parser.add_argument(
        '--device',
        default='cuda:0' if torch.cuda.is_available() else 'cpu',
        help='e.g. cpu or cuda:0 (default: %(default)s)')
    parser.add_argument('--window', type=float, default=10.0)
    parser.add_argument('--stride', type=float, default=5.0)
    parser.add_argument('--batch-size', type=int, default=8)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error('--repeat must be >= 1')
    if not args.make_video and not osp.isfile(args.video):
        parser.error(f'No such video: {args.video} (--make-video writes one)')
    return args


def make_film(path: str) -> None:
    """Write the H.264 film described in this module's docstring."""
    (width, height), pad = FILM_SIZE, 600
    with av.open(path, 'w') as container:
        stream = container.add_stream(
            'libx264',
            rate=FILM_FPS,
            options=dict(preset='veryfast', crf='23', g='250'))
        stream.width, stream.height, stream.pix_fmt = width, height, 'yuv420p'
        per_scene = int(SCENE_SECONDS * FILM_FPS)
        for i in range(int(FILM_DURATION * FILM_FPS)):
            scene, j = divmod(i, per_scene)
            if j == 0:
                rng = np.random.default_rng(scene)
                coarse = cv2.resize(
                    rng.integers(0, 256, (12, 20, 3), np.uint8),
                    (width + pad, height + pad),
                    interpolation=cv2.INTER_CUBIC)
                grain = cv2.resize(
                    rng.uniform(-24, 24, ((height + pad) // 4,
                                          (width + pad) // 4)),
                    (width + pad, height + pad))
                canvas = np.clip(coarse + grain[..., None], 0,
                                 255).astype(np.uint8)
                pan = rng.uniform(-4, 4, 2)
                discs = rng.uniform(0, 1, (4, 4))
            x, y = (300 + pan * j).astype(int) % pad
            frame = canvas[y:y + height, x:x + width].copy()
            t = i / FILM_FPS
            for cx, cy, vx, vy in discs:
                centre = (int((cx * width + 200 * vx * t) % width),
                          int((cy * height + 150 * vy * t) % height))
                cv2.circle(frame, centre, 60, (255, int(255 * vx),
                                               int(255 * vy)), -1)
            container.mux(
                stream.encode(av.VideoFrame.from_ndarray(frame, 'rgb24')))
        container.mux(stream.encode())


def decode_every_frame(path: str) -> None:
    """Decode every frame with PyAV, as FFmpeg does, keeping none."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = 'AUTO'
        for _ in container.decode(stream):
            pass


def main() -> None:
    args = parse_args()
    if args.make_video and not osp.isfile(args.video):
        start = time.perf_counter()
        make_film(args.video)
        print(f'Wrote {args.video} in {time.perf_counter() - start:.0f} s')
    model = init_model(args.config, args.checkpoint, args.device)
    init_default_scope(model.cfg.get('default_scope', 'mmaction'))
    source = VideoSource(args.video)
    windows = sliding_windows(source.duration, args.window, args.stride)
    height, width = source.reader[0].shape[:2]
    pipeline = WindowPipeline(model.cfg.test_dataloader.dataset.pipeline)
    stream = pipeline.stream(source, windows)
    batches = [
        pseudo_collate(batch)
        for batch in iter(lambda: list(islice(stream, args.batch_size)), [])
    ]

    def inputs(reading: str) -> Callable[[], object]:
        return lambda: sum(1 for _ in getattr(pipeline, reading)(
            VideoSource(args.video), windows))

    def analyse(reading: str) -> Callable[[], object]:
        return lambda: inference_emotion(
            model,
            args.video,
            args.window,
            args.stride,
            args.batch_size,
            reading=reading).window_values

    def predict() -> None:
        with torch.no_grad():
            for batch in batches:
                model.test_step(batch)

    ways: Dict[str, Callable[[], object]] = {
        'decode floor': lambda: decode_every_frame(args.video),
        'seek, inputs': inputs('seek'),
        'stream, inputs': inputs('stream'),
        'model': predict,
        'seek': analyse('seek'),
        'stream': analyse('stream'),
    }
    seconds: Dict[str, List[float]] = {way: [] for way in ways}
    values = {}
    for _ in range(args.repeat):
        for way, run in ways.items():
            start = time.perf_counter()
            values[way] = run()
            seconds[way].append(time.perf_counter() - start)
    floor = statistics.median(seconds['decode floor'])
    rows = []
    for way, times in seconds.items():
        median = statistics.median(times)
        rows.append([
            way, f'{median:.1f} ({min(times):.1f}-{max(times):.1f})',
            f'{source.duration / median:.1f}', f'{median / floor:.2f}'
        ])
    print(f'{args.video}: {source.duration:.0f} s, {source.num_frames} '
          f'frames of {width}x{height}, {len(windows)} windows; '
          f'{args.config} on {args.device}, {torch.get_num_threads()} torch '
          f'threads, {args.repeat} run(s) of each way')
    print(
        markdown_table(
            ['way', 'seconds (least-most)', 'video s / s', 'x floor'], rows))
    difference = np.abs(values['seek'] - values['stream']).max()
    print(f'Largest difference between the predictions of seek and stream: '
          f'{difference:g}')


if __name__ == '__main__':
    main()
