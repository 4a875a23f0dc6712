"""Draw an :class:`~emovid_mm.apis.EmotionTimeline`."""
import csv
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
from matplotlib.figure import Figure

from ..apis import EmotionTimeline

#: Known values over time: ``(num_segments, 2)`` start and end in seconds,
#: and each target's value on each segment.
Truth = Tuple[np.ndarray, Dict[str, np.ndarray]]


def read_truth(path: str, targets: Sequence[str]) -> Truth:
    """Read known values from a csv with the columns ``start``, ``end``
    (seconds) and some of ``targets``, e.g. the ``*_clips.csv`` of
    ``tools/data/make_demo_film.py``; other columns are ignored."""
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0]) if rows else []
    found = [t for t in targets if t in header]
    if not {'start', 'end'} <= set(header) or not found:
        raise ValueError(f'{path} needs a header with start, end and at '
                         f'least one of {list(targets)}, and rows; got '
                         f'{header}.')
    try:
        segments = np.array([[r['start'], r['end']] for r in rows], float)
        return segments, {
            t: np.array([r[t] for r in rows], float)
            for t in found
        }
    except ValueError as err:
        raise ValueError(f'{path}: {err}') from None


def plot_emotion_timeline(timeline: EmotionTimeline,
                          out_file: str,
                          truth: Optional[Truth] = None) -> None:
    """Save a picture of a timeline.

    Left: each target over time (one point per window, at its centre; the
    dashed line is the video-level value; with ``truth`` (see
    :func:`read_truth`), the known value of each segment as a thin step
    line). Right, for a model of valence and arousal: the path of the
    windows in the valence-arousal plane, coloured by time, from its start
    (triangle) to its end (square), with the video-level value (star).
    """
    both = {'valence', 'arousal'} <= set(timeline.targets)
    fig = Figure(figsize=(12, 4.5) if both else (8, 4.5), layout='constrained')
    axes = fig.subplots(
        1, 2, width_ratios=(1.6, 1)) if both else [fig.subplots()]
    times = timeline.windows.mean(1)
    values = timeline.values
    summary = ', '.join(f'{k} {v:.2f}' for k, v in values.items())
    fig.suptitle(f'{osp.basename(timeline.video)}: {summary} '
                 f'({timeline.num_windows} window'
                 f'{"s" if timeline.num_windows > 1 else ""} over '
                 f'{round(timeline.duration, 2):g} s)')

    ax = axes[0]
    for i, target in enumerate(timeline.targets):
        color = f'C{i}'
        ax.plot(
            times,
            timeline.window_values[:, i],
            'o-',
            color=color,
            markersize=3,
            label=target)
        ax.axhline(values[target], color=color, linestyle='--', linewidth=1)
        if truth is not None and target in truth[1]:
            ax.plot(
                truth[0].ravel(),
                np.repeat(truth[1][target], 2),
                color=color,
                linewidth=1,
                alpha=0.6,
                label=f'{target}, truth')
    ax.set_xlim(0, max(timeline.duration, 1e-3))
    ax.set_xlabel('time (s), window centres')
    ax.set_ylabel('value' if truth is not None else 'predicted value')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')

    if both:
        ax = axes[1]
        valence = timeline.window_values[:, timeline.targets.index('valence')]
        arousal = timeline.window_values[:, timeline.targets.index('arousal')]
        ax.plot(valence, arousal, color='0.75', linewidth=1, zorder=1)
        points = ax.scatter(
            valence, arousal, c=times, cmap='viridis', s=18, zorder=2)
        marks = dict(
            start=(valence[0], arousal[0], '^', 80, 'k'),
            end=(valence[-1], arousal[-1], 's', 60, 'k'),
            video=(values['valence'], values['arousal'], '*', 160, 'C3'))
        for label, (x, y, marker, size, color) in marks.items():
            ax.scatter(
                x,
                y,
                marker=marker,
                s=size,
                color=color,
                zorder=3,
                label=label)
        fig.colorbar(points, ax=ax, label='time (s)')
        ax.set_xlabel('valence')
        ax.set_ylabel('arousal')
        ax.margins(0.15)
        ax.grid(alpha=0.3)
        ax.legend(fontsize='small')
    fig.savefig(out_file, dpi=100)
