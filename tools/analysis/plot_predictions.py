"""Plot predictions against the truth from ``tools/test.py --dump`` files.

    python tools/analysis/plot_predictions.py DUMP [DUMP ...] \
        [--labels LABEL ...] [--out-dir DIR] [--formats png pdf]

For each file and target, one figure (as in the paper's Figs. 10, 12, ...):
the clips as points (truth on x, prediction on y), the identity line, and
the truth's annotated standard deviation as a band around it (the square
root of the ``{target}_variance`` column, running along the clips sorted by
truth); the title gives the label, the target, N, Pearson's r with its
p-value, MSE and Lin's CCC. The figures are written as
``OUT_DIR/{label}_{target}.{format}`` (characters other than letters, digits,
``.``, ``-`` and ``_`` of the label become ``_``); the label defaults to the
file's stem (e.g. ``eco_lite_test``). Several files (e.g. the five paper
models, train and test splits) are plotted in one call.
"""
import argparse

from emovid_mm.visualization import save_prediction_scatters


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot predictions against the truth, with the '
        'annotated standard deviation as a band')
    parser.add_argument(
        'dumps', nargs='+', help='.csv or .json files of tools/test.py --dump')
    parser.add_argument(
        '--labels', nargs='+', help='one label per file (default: its stem)')
    parser.add_argument(
        '--out-dir', default='work_dirs/plots', help='folder of the figures')
    parser.add_argument(
        '--formats',
        nargs='+',
        default=['png', 'pdf'],
        choices=['png', 'pdf', 'svg'],
        help='image formats')
    args = parser.parse_args()
    if args.labels is not None and len(args.labels) != len(args.dumps):
        parser.error(f'Got {len(args.labels)} labels for {len(args.dumps)} '
                     'files.')
    return args


def main() -> None:
    args = parse_args()
    for path in save_prediction_scatters(args.dumps, args.labels,
                                         args.out_dir, args.formats):
        print(path)


if __name__ == '__main__':
    main()
