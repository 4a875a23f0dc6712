"""Plot training and validation curves of one or several runs.

    python tools/analysis/plot_curves.py RUN [RUN ...] [--labels LABEL ...] \
        [--keys loss mean/mse ...] [--out FILE]

``RUN`` is a work dir of ``tools/train.py`` or a ``scalars.json`` that
MMEngine's ``LocalVisBackend`` wrote (``WORK_DIR/TIMESTAMP/vis_data``). A
work dir may hold several training sessions (a run resumed with
``--resume``): their logs are merged in time order, a later session
replacing the epochs it repeats; sessions of ``tools/test.py`` are skipped.

Each key gets one panel, value against epoch, with one line per run:

* keys of the training iterations (``loss``, ``loss_mse``, ``mse_valence``,
  ``lr``, ...) are averaged over each epoch's logged iterations;
* keys of the validation (``mean/mse``, ``arousal/pearson_r``, ...) have one
  value per validation. ``mean/mse`` is the validation loss: the MSE loss is
  the mean of the targets' squared errors.

The default keys are ``loss`` and ``mean/mse`` (training and validation
loss, as in the paper's Figs. 11, 13, ...). The figure goes to ``--out``
(``.png``, ``.pdf`` or ``.svg``).
"""
import argparse
import glob
import json
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

#: key -> {epoch: value}
Curves = Dict[str, Dict[int, float]]


def scalar_files(run: str) -> List[str]:
    """The ``scalars.json`` of a run, oldest session first."""
    if osp.isfile(run):
        return [run]
    if not osp.isdir(run):
        raise FileNotFoundError(f'{run} is neither a work dir nor a '
                                'scalars.json file.')
    # Session folders are named by their start time, so they sort in order.
    return sorted(glob.glob(osp.join(run, '*', 'vis_data', 'scalars.json')))


def read_session(path: str) -> Curves:
    """Per-epoch curves of one ``scalars.json``; empty for a test session.

    Raises:
        ValueError: naming the file and line, for a line that is not JSON.
    """
    sums: Dict[str, Dict[int, List[float]]] = defaultdict(
        lambda: defaultdict(list))
    val_rows = []
    epoch = 0
    with open(path) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f'{path}, line {number}: not JSON ({e}); '
                                 'is the file cut short?') from None
            if 'epoch' in row and 'iter' in row:  # a training iteration
                epoch = row['epoch']
                for key, value in row.items():
                    if key not in ('epoch', 'iter', 'step'):
                        sums[key][epoch].append(value)
            else:
                val_rows.append(row)
    if not sums:  # no training iteration: a tools/test.py session
        return {}
    curves: Curves = {
        key: {e: sum(v) / len(v) for e, v in by_epoch.items()}
        for key, by_epoch in sums.items()
    }
    for row in val_rows:  # validation: its step is the epoch
        for key, value in row.items():
            if key != 'step':
                curves.setdefault(key, {})[row['step']] = value
    return curves


def read_run(run: str) -> Curves:
    """The curves of a run, its sessions merged in time order."""
    merged: Curves = {}
    files = scalar_files(run)
    for path in files:
        for key, values in read_session(path).items():
            merged.setdefault(key, {}).update(values)
    if not merged:
        raise ValueError(f'{run}: no training log found (looked in '
                         f'{files or "WORK_DIR/*/vis_data/scalars.json"}).')
    return merged


def plot_runs(runs: Sequence[Tuple[str, Curves]],
              keys: Sequence[str]) -> plt.Figure:
    """One panel per key, one line per ``(label, curves)`` run."""
    fig, axes = plt.subplots(
        1, len(keys), figsize=(5 * len(keys), 4), dpi=100, squeeze=False)
    for ax, key in zip(axes[0], keys):
        for label, curves in runs:
            if key not in curves:
                raise KeyError(f'Run {label!r} has no {key!r}; it has '
                               f'{", ".join(sorted(curves))}.')
            epochs = sorted(curves[key])
            ax.plot(epochs, [curves[key][e] for e in epochs],
                    marker='.', label=label)
        ax.set_xlabel('epoch')
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot training and validation curves of runs')
    parser.add_argument(
        'runs', nargs='+', help='work dirs or scalars.json files')
    parser.add_argument(
        '--labels', nargs='+', help='one label per run (default: its path)')
    parser.add_argument(
        '--keys',
        nargs='+',
        default=['loss', 'mean/mse'],
        help='logged keys to plot, one panel each')
    parser.add_argument(
        '--out', default='work_dirs/plots/curves.png', help='output figure')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    labels = args.labels or [osp.normpath(r) for r in args.runs]
    if len(labels) != len(args.runs):
        raise SystemExit(
            f'Got {len(labels)} labels for {len(args.runs)} runs.')
    fig = plot_runs([(label, read_run(run))
                     for label, run in zip(labels, args.runs)], args.keys)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    fig.savefig(args.out)
    print(args.out)


if __name__ == '__main__':
    main()
