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
import os
import os.path as osp
import re
from typing import List, Optional, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from emovid_mm.evaluation import (Predictions, format_p_value,  # noqa: E402
                                  read_predictions, regression_scores)


def plot_target(predictions: Predictions, index: int,
                label: str) -> plt.Figure:
    """The scatter plot of target ``index`` of ``predictions``."""
    target = predictions.targets[index]
    true = predictions.true[:, index]
    pred = predictions.pred[:, index]
    std = np.sqrt(predictions.variance[:, index])
    scores = regression_scores(pred, true)
    order = np.argsort(true, kind='stable')

    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    ax.fill_between(
        true[order],
        true[order] - std[order],
        true[order] + std[order],
        color='tab:gray',
        alpha=0.3,
        linewidth=0,
        label='truth ± annotated std')
    low = min(true.min() - std.max(), pred.min())
    high = max(true.max() + std.max(), pred.max())
    ax.plot([low, high], [low, high], color='black', linewidth=1,
            label='identity')
    ax.scatter(true, pred, s=12, color='tab:blue', label='clips')
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect('equal')
    ax.set_xlabel(f'{target} (truth)')
    ax.set_ylabel(f'{target} (prediction)')
    p_value = format_p_value(scores['pearson_p'], '.2g')
    ax.set_title(
        f'{label}: {target}, N = {len(true)}\n'
        f'r = {scores["pearson_r"]:.3f} (p: {p_value}), '
        f'MSE = {scores["mse"]:.4f}, CCC = {scores["ccc"]:.3f}',
        fontsize=10)
    ax.legend(loc='upper left', fontsize=8)
    fig.tight_layout()
    return fig


def plot_files(paths: Sequence[str], labels: Optional[Sequence[str]],
               out_dir: str, formats: Sequence[str]) -> List[str]:
    """Plot every target of every file; returns the files written."""
    if labels is not None and len(labels) != len(paths):
        raise ValueError(f'Got {len(labels)} labels for {len(paths)} files.')
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for i, path in enumerate(paths):
        predictions = read_predictions(path)
        label = (labels[i] if labels is not None else
                 osp.splitext(osp.basename(path))[0])
        for index, target in enumerate(predictions.targets):
            fig = plot_target(predictions, index, label)
            for fmt in formats:
                stem = re.sub(r'[^\w.-]+', '_', f'{label}_{target}')
                out = osp.join(out_dir, f'{stem}.{fmt}')
                fig.savefig(out)
                written.append(out)
            plt.close(fig)
    return written


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    for path in plot_files(args.dumps, args.labels, args.out_dir,
                           args.formats):
        print(path)


if __name__ == '__main__':
    main()
