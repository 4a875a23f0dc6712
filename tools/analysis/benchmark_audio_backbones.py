"""Parameters, FLOPs and CPU training time of the audio backbones on one
clip's log-mel input: AudioCNN beside MMAction2's ResNetAudio (depth 50, its
smallest, as MMAction2's audioonly_r50.py) and 1-channel ResNet-18 (as
tsn_r18_audio.py).

    python tools/analysis/benchmark_audio_backbones.py [--segments 8] \
        [--mels 64] [--frames 96] [--batch-size 8] [--runs 5]

Prints a markdown table, one row per backbone. What is measured and how:
:mod:`emovid_mm.analysis.audio_backbone_benchmark`.
"""
import argparse

import torch

from emovid_mm.analysis.audio_backbone_benchmark import (
    audio_backbone_table, benchmark_audio_backbones,
    smallest_resnet_audio_depth)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Parameters, FLOPs and CPU training time of AudioCNN '
        'and MMAction2\'s audio backbones on one clip\'s log-mel input')
    parser.add_argument(
        '--segments',
        type=int,
        default=8,
        help='log-mel segments per clip (default: %(default)s)')
    parser.add_argument(
        '--mels',
        type=int,
        default=64,
        help='mel bands (default: %(default)s)')
    parser.add_argument(
        '--frames',
        type=int,
        default=96,
        help='mel frames per segment (default: %(default)s)')
    parser.add_argument(
        '--batch-size',
        type=int,
        default=8,
        help='clips per timed training pass (default: %(default)s)')
    parser.add_argument(
        '--runs',
        type=int,
        default=5,
        help='timed training passes (default: %(default)s)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        reports = benchmark_audio_backbones(args.segments, args.mels,
                                            args.frames, args.batch_size,
                                            args.runs)
    except ValueError as e:
        raise SystemExit(f'error: {e}')
    print(f'One clip: {args.segments} log-mel segments of 1 x {args.mels} '
          f'mels x {args.frames} frames; training passes on batches of '
          f'{args.batch_size} clips, CPU, {torch.get_num_threads()} '
          'threads. ResNetAudio builds depths from '
          f'{smallest_resnet_audio_depth()}.')
    print(audio_backbone_table(reports, args.segments, args.batch_size))


if __name__ == '__main__':
    main()
