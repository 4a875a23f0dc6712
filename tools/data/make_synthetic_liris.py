"""Write a synthetic LIRIS-ACCEDE-shaped dataset with known causes.

Example, from the repository root::

    python tools/data/make_synthetic_liris.py --out-dir data/liris_synthetic

Half of arousal caused by the sound (loudness, percussive onsets), for the
audio-visual models::

    python tools/data/make_synthetic_liris.py \
        --out-dir data/liris_synthetic_sound --sound-arousal 0.5

Clips coded as the real ones are, to time data loading on
(``tools/analysis/benchmark_data.py``)::

    python tools/data/make_synthetic_liris.py --out-dir /tmp/liris_h264 \
        --codec h264 --height 288 --width 384

See :mod:`emovid_mm.datasets.synthetic_liris` for what the data models.
"""
from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence

from emovid_mm.datasets.synthetic_liris import CODECS, make_synthetic_liris

SET_NAMES = {'0': 'test', '1': 'learning', '2': 'validation'}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out-dir', default='data/liris_synthetic',
                        help='dataset root (default: %(default)s)')
    parser.add_argument('--num-films', type=int, default=16,
                        help='source films, a multiple of 4 (default: '
                        '%(default)s)')
    parser.add_argument('--clips-per-film', type=int, default=4,
                        help='excerpts per film (default: %(default)s)')
    parser.add_argument('--min-duration', type=float, default=8.0,
                        help='shortest clip in seconds (default: %(default)s)')
    parser.add_argument('--max-duration', type=float, default=12.0,
                        help='longest clip in seconds (default: %(default)s)')
    parser.add_argument('--fps', type=float, default=25.0,
                        help='frame rate (default: %(default)s)')
    parser.add_argument('--height', type=int, default=96,
                        help='frame height in pixels (default: %(default)s)')
    parser.add_argument('--width', type=int, default=128,
                        help='frame width in pixels (default: %(default)s)')
    parser.add_argument('--codec', choices=CODECS, default='mp4v',
                        help='mp4v (OpenCV) or h264 (libx264, as the real '
                        'clips) (default: %(default)s)')
    parser.add_argument('--gop', type=int, default=250,
                        help='with --codec h264, the most frames between '
                        'keyframes; x264 adds one at each scene cut '
                        '(default: %(default)s)')
    parser.add_argument('--sound-arousal', type=float, default=0.0,
                        help='share of arousal caused by the sound, in '
                        '[0, 1]; 0 leaves the sound a nuisance (default: '
                        '%(default)s)')
    parser.add_argument('--no-audio', dest='audio', action='store_false',
                        help='write clips without an audio track')
    parser.add_argument('--seed', type=int, default=0,
                        help='random seed (default: %(default)s)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace a dataset already in --out-dir')
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        root = make_synthetic_liris(
            args.out_dir,
            num_films=args.num_films,
            clips_per_film=args.clips_per_film,
            duration_range=(args.min_duration, args.max_duration),
            fps=args.fps,
            frame_size=(args.height, args.width),
            seed=args.seed,
            overwrite=args.overwrite,
            codec=args.codec,
            gop=args.gop,
            audio=args.audio,
            sound_arousal=args.sound_arousal)
    except (ValueError, FileExistsError) as error:
        parser.error(str(error))
    sets_file = root / 'LIRIS-ACCEDE-annotations' / 'annotations' / \
        'ACCEDEsets.txt'
    rows = [line.split('\t') for line in sets_file.read_text().splitlines()]
    counts = Counter(row[2] for row in rows[1:])
    print(f'Wrote {len(rows) - 1} synthetic clips from {args.num_films} '
          f'films to {root}')
    for key, name in SET_NAMES.items():
        print(f'  {name} (set {key}): {counts[key]} clips')


if __name__ == '__main__':
    main()
