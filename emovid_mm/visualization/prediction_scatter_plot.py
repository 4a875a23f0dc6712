"""Predictions against the truth, from ``tools/test.py --dump`` files."""
import os
import os.path as osp
import re
from typing import List, Optional, Sequence

import numpy as np
from matplotlib.figure import Figure

from ..evaluation import (Predictions, format_p_value, read_predictions,
                          regression_scores)


def plot_prediction_scatter(predictions: Predictions, index: int,
                            label: str) -> Figure:
    """The scatter plot of target ``index`` of ``predictions`` (as in the
    paper's Figs. 10, 12, ...).

    The clips are points (truth on x, prediction on y) around the identity
    line, with the truth's annotated standard deviation (the square root of
    the ``{target}_variance`` column, along the clips sorted by truth) as a
    band; the title gives ``label``, the target, N, Pearson's r with its
    p-value, MSE and Lin's CCC.
    """
    target = predictions.targets[index]
    true = predictions.true[:, index]
    pred = predictions.pred[:, index]
    std = np.sqrt(predictions.variance[:, index])
    scores = regression_scores(pred, true)
    order = np.argsort(true, kind='stable')

    fig = Figure(figsize=(5, 5), dpi=100, layout='tight')
    ax = fig.subplots()
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
    return fig


def save_prediction_scatters(paths: Sequence[str],
                             labels: Optional[Sequence[str]], out_dir: str,
                             formats: Sequence[str]) -> List[str]:
    """Save :func:`plot_prediction_scatter` of every target of every file
    as ``out_dir/{label}_{target}.{format}``; returns the files written.

    A label defaults to the file's stem; characters other than letters,
    digits, ``.``, ``-`` and ``_`` become ``_`` in the file names.

    Raises:
        ValueError: ``labels`` and ``paths`` differ in length.
    """
    if labels is not None and len(labels) != len(paths):
        raise ValueError(f'Got {len(labels)} labels for {len(paths)} files.')
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for i, path in enumerate(paths):
        predictions = read_predictions(path)
        label = (labels[i] if labels is not None else
                 osp.splitext(osp.basename(path))[0])
        for index, target in enumerate(predictions.targets):
            fig = plot_prediction_scatter(predictions, index, label)
            stem = re.sub(r'[^\w.-]+', '_', f'{label}_{target}')
            for fmt in formats:
                out = osp.join(out_dir, f'{stem}.{fmt}')
                fig.savefig(out)
                written.append(out)
    return written
