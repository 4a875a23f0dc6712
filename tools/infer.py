"""Predict the valence and arousal of videos with a trained model.

A video no longer than a window (``--window``, 10 s by default) gets one
prediction; a longer one gets one per window, every ``--stride`` seconds,
an emotion timeline. For each video ``<name>`` it writes to ``--out-dir``:

* ``<name>.csv``: one row per window, ``start``, ``end`` (seconds), then the
  prediction of each target (``valence``, ``arousal``);
* ``<name>.json``: the video's values (the mean over its windows), its
  duration and frame count, the windows without sound (audio models)
  and the windows;
* ``<name>.png``: the targets over time and the path in the
  valence-arousal plane;

With ``--truth FILE.csv`` (one video; columns ``start``, ``end`` in
seconds and ``valence`` and/or ``arousal``, e.g. the ``*_clips.csv`` of
``tools/data/make_demo_film.py``), the picture shows the known values too,
and the Pearson r of the windows with the truth (its mean over each window)
is printed.

And for all videos ``summary.csv``: ``video``, ``name`` (of its output
files), ``status`` (``ok`` or ``failed``), ``duration``, ``num_windows``,
one column per target, ``error``. A file that cannot be read is reported
and skipped; the exit status is then 1.

A model with an audio branch hears the sound of each window. An
audio-visual model predicts a video without usable sound from its frames
alone (its audio features zeroed) and says so with a warning; a model of
sound alone cannot, and reports the video as failed.
"""
import argparse
import csv
import os
import os.path as osp
import sys
import warnings
from pathlib import Path
from typing import Dict, List, Tuple

import torch

from emovid_mm.apis import (AudioMissingWarning, VideoReadError,
                            inference_emotion, init_model)
from emovid_mm.datasets.transforms import AudioUnavailableError
from emovid_mm.visualization import plot_emotion_timeline, read_truth

VIDEO_EXTENSIONS = ('.mp4', '.m4v', '.mov', '.avi', '.mkv', '.webm', '.mpg',
                    '.mpeg', '.wmv', '.flv', '.ts', '.mts', '.m2ts', '.3gp',
                    '.ogv')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Predict the valence and arousal of videos, with an '
        'emotion timeline for those longer than a window')
    parser.add_argument(
        'videos',
        nargs='+',
        metavar='VIDEO',
        help='video files, or folders to search (recursively) for files '
        f'ending in {" ".join(VIDEO_EXTENSIONS)}')
    parser.add_argument(
        '--config', required=True, help='the config of the model')
    parser.add_argument('--checkpoint', required=True, help='its checkpoint')
    parser.add_argument(
        '--out-dir',
        default='work_dirs/infer',
        help='where to write the results (default: %(default)s)')
    parser.add_argument(
        '--window',
        type=float,
        default=10.0,
        help='window length in seconds; a video no longer than this gets one '
        'prediction (default: %(default)s, like LIRIS-ACCEDE clips)')
    parser.add_argument(
        '--stride',
        type=float,
        default=5.0,
        help='seconds between the starts of two windows '
        '(default: %(default)s)')
    parser.add_argument(
        '--batch-size',
        type=int,
        default=8,
        help='windows per forward pass (default: %(default)s)')
    parser.add_argument(
        '--device',
        default='cuda:0' if torch.cuda.is_available() else 'cpu',
        help='e.g. cpu or cuda:0 (default: %(default)s)')
    parser.add_argument(
        '--truth',
        metavar='FILE.csv',
        help='known values over time of the one VIDEO, to draw and compare')
    args = parser.parse_args()
    if args.truth:
        if len(args.videos) != 1 or osp.isdir(args.videos[0]):
            parser.error('--truth goes with one video file')
        try:
            args.truth = read_truth(args.truth, ('valence', 'arousal'))
        except (OSError, ValueError) as err:
            parser.error(str(err))
    if args.window <= 0 or args.stride <= 0 or args.batch_size < 1:
        parser.error('--window and --stride must be > 0 and --batch-size '
                     '>= 1')
    return args


def find_videos(inputs: List[str]) -> Tuple[List[str], List[str]]:
    """The files given and the video files under the folders given, in
    order, and the folders without any."""
    videos, empty = [], []
    for path in inputs:
        if not osp.isdir(path):
            videos.append(path)
            continue
        found = sorted(
            str(p) for p in Path(path).rglob('*')
            if p.suffix.lower() in VIDEO_EXTENSIONS and p.is_file())
        videos.extend(found)
        if not found:
            empty.append(path)
    return videos, empty


def output_names(videos: List[str]) -> List[str]:
    """A distinct name per video for its output files: its file name
    without extension, numbered when two videos share it."""
    taken = {'summary'}
    names = []
    for video in videos:
        stem = Path(video).stem or 'video'
        name, count = stem, 1
        while name in taken:
            count += 1
            name = f'{stem}_{count}'
        taken.add(name)
        names.append(name)
    return names


def analyse(model: torch.nn.Module, video: str, name: str,
            args: argparse.Namespace) -> Dict[str, object]:
    """Write the csv, json and png of one video; its summary columns."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always', AudioMissingWarning)
        timeline = inference_emotion(
            model,
            video,
            window=args.window,
            stride=args.stride,
            batch_size=args.batch_size,
            progress=True)
    silent = [w for w in caught if issubclass(w.category, AudioMissingWarning)]
    for w in silent:
        print(f'WARNING: {w.message}', file=sys.stderr)
    for w in caught:
        if w not in silent:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    base = osp.join(args.out_dir, name)
    timeline.save_csv(f'{base}.csv')
    timeline.save_json(f'{base}.json')
    plot_emotion_timeline(timeline, f'{base}.png', args.truth)
    values = ', '.join(f'{k} {v:.3f}' for k, v in timeline.values.items())
    note = (' (frames repeated: shorter than the model\'s clip)'
            if timeline.frames_repeated else '')
    if timeline.windows_without_sound:
        note += ' (no sound: predicted from the frames alone)'
    print(f'{video}: {values} ({timeline.num_windows} window(s) over '
          f'{round(timeline.duration, 2):g} s){note} -> {base}.csv, .json, '
          '.png')
    if args.truth is not None and timeline.num_windows > 1:
        print('Pearson r of the windows with the truth: ' + ', '.join(
            f'{k} {r:.3f}'
            for k, r in timeline.truth_correlations(args.truth).items()))
    return dict(
        status='ok',
        duration=f'{timeline.duration:.3f}',
        num_windows=timeline.num_windows,
        **{
            k: f'{v:.6f}'
            for k, v in timeline.values.items()
        })


def main() -> int:
    args = parse_args()
    videos, empty = find_videos(args.videos)
    rows: List[Dict[str, object]] = []
    for folder in empty:
        error = (f'No video files (ending in {" ".join(VIDEO_EXTENSIONS)}) '
                 f'in {folder}')
        print(f'ERROR: {error}', file=sys.stderr)
        rows.append(dict(video=folder, status='failed', error=error))
    model = init_model(args.config, args.checkpoint, args.device)
    os.makedirs(args.out_dir, exist_ok=True)
    for video, name in zip(videos, output_names(videos)):
        try:
            row = analyse(model, video, name, args)
        except (FileNotFoundError, VideoReadError,
                AudioUnavailableError) as err:
            print(f'ERROR: {err}', file=sys.stderr)
            row = dict(status='failed', error=str(err))
        rows.append(dict(video=video, name=name, **row))
    summary = osp.join(args.out_dir, 'summary.csv')
    with open(summary, 'w', newline='') as f:
        writer = csv.DictWriter(
            f,
            fieldnames=[
                'video', 'name', 'status', 'duration', 'num_windows',
                *model.cls_head.targets, 'error'
            ])
        writer.writeheader()
        writer.writerows(rows)
    failed = [r['video'] for r in rows if r['status'] == 'failed']
    print(f'{len(rows) - len(failed)} of {len(rows)} videos analysed; '
          f'summary in {summary}')
    if failed:
        print(f'{len(failed)} failed: ' + ', '.join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
