"""Training and validation curves of runs, from the ``scalars.json`` files
of MMEngine's ``LocalVisBackend``."""
import glob
import json
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Sequence, Tuple

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

#: key -> {epoch: value}
Curves = Dict[str, Dict[int, float]]


def scalar_files(run: str) -> List[str]:
    """The ``scalars.json`` of a run (a work dir of ``tools/train.py`` or
    the file itself), oldest session first."""
    if osp.isfile(run):
        return [run]
    if not osp.isdir(run):
        raise FileNotFoundError(f'{run} is neither a work dir nor a '
                                'scalars.json file.')
    # Session folders are named by their start time, so they sort in order.
    return sorted(glob.glob(osp.join(run, '*', 'vis_data', 'scalars.json')))


def read_session(path: str) -> Curves:
    """Per-epoch curves of one ``scalars.json``; empty for a test session.

    Keys of the training iterations (``loss``, ``lr``, ...) are averaged
    over each epoch's logged iterations; keys of the validation
    (``mean/mse``, ...) have one value per validation, at its epoch.

    Raises:
        ValueError: naming the file and line, for a line that is not JSON.
    """
    sums: Dict[str, Dict[int, List[float]]] = defaultdict(
        lambda: defaultdict(list))
    val_rows = []
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
                for key, value in row.items():
                    if key not in ('epoch', 'iter', 'step'):
                        sums[key][row['epoch']].append(value)
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


def read_training_curves(run: str) -> Curves:
    """The curves of a run, its sessions merged in time order: a later
    session (a run resumed with ``--resume``) replaces the epochs it
    repeats, sessions of ``tools/test.py`` are skipped.

    Raises:
        ValueError: the run holds no training log.
    """
    merged: Curves = {}
    files = scalar_files(run)
    for path in files:
        for key, values in read_session(path).items():
            merged.setdefault(key, {}).update(values)
    if not merged:
        raise ValueError(f'{run}: no training log found (looked in '
                         f'{files or "WORK_DIR/*/vis_data/scalars.json"}).')
    return merged


def plot_training_curves(runs: Sequence[Tuple[str, Curves]],
                         keys: Sequence[str]) -> Figure:
    """One panel per key, value against epoch, one line per
    ``(label, curves)`` run.

    Raises:
        KeyError: a run lacks a key.
    """
    fig = Figure(figsize=(5 * len(keys), 4), dpi=100, layout='tight')
    axes = fig.subplots(1, len(keys), squeeze=False)
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
    return fig
