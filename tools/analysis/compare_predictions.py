"""Compare two models on the same clips from their ``tools/test.py --dump``
files: Pearson r and CCC per target, their difference, its 95% interval
from a paired bootstrap over films, and the share of resamples where the
first model is not better.

    python tools/analysis/compare_predictions.py A.csv B.csv \
        [--labels A B] [--num-resamples 10000] [--seed 0]

E.g. the audio-visual ECO Lite against the visual-only one::

    python tools/analysis/compare_predictions.py \
        model_zoo/runs/eco_lite_audiocnn_synthetic_sound/test.csv \
        model_zoo/runs/eco_lite_synthetic_sound/test.csv \
        --labels frames+sound frames
"""
import argparse

from emovid_mm.analysis import compare_predictions
from emovid_mm.evaluation import read_predictions


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Compare two models on the same clips, with a paired '
        'film bootstrap of the difference')
    parser.add_argument('a', help='prediction file of model A (.csv/.json)')
    parser.add_argument('b', help='prediction file of model B')
    parser.add_argument(
        '--labels', nargs=2, default=('A', 'B'), help='names of A and B')
    parser.add_argument('--num-resamples', type=int, default=10000)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print(
        compare_predictions(
            read_predictions(args.a),
            read_predictions(args.b),
            labels=args.labels,
            num_resamples=args.num_resamples,
            seed=args.seed))


if __name__ == '__main__':
    main()
