"""Draw an :class:`~emovid_mm.apis.EmotionTimeline`."""
import os.path as osp

from matplotlib.figure import Figure

from ..apis import EmotionTimeline


def plot_emotion_timeline(timeline: EmotionTimeline, out_file: str) -> None:
    """Save a picture of a timeline.

    Left: each target over time (one point per window, at its centre; the
    dashed line is the video-level value). Right, for a model of valence
    and arousal: the path of the windows in the valence-arousal plane,
    coloured by time, from its start (triangle) to its end (square), with
    the video-level value (star).
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
    ax.set_xlim(0, max(timeline.duration, 1e-3))
    ax.set_xlabel('time (s), window centres')
    ax.set_ylabel('predicted value')
    ax.grid(alpha=0.3)
    ax.legend()

    if both:
        ax = axes[1]
        valence = timeline.window_values[:, timeline.targets.index('valence')]
        arousal = timeline.window_values[:, timeline.targets.index('arousal')]
        ax.plot(valence, arousal, color='0.75', linewidth=1, zorder=1)
        points = ax.scatter(
            valence, arousal, c=times, cmap='viridis', s=18, zorder=2)
        ax.scatter(
            valence[0],
            arousal[0],
            marker='^',
            s=80,
            color='k',
            zorder=3,
            label='start')
        ax.scatter(
            valence[-1],
            arousal[-1],
            marker='s',
            s=60,
            color='k',
            zorder=3,
            label='end')
        ax.scatter(
            values['valence'],
            values['arousal'],
            marker='*',
            s=160,
            color='C3',
            zorder=4,
            label='video')
        fig.colorbar(points, ax=ax, label='time (s)')
        ax.set_xlabel('valence')
        ax.set_ylabel('arousal')
        ax.margins(0.15)
        ax.grid(alpha=0.3)
        ax.legend(fontsize='small')
    fig.savefig(out_file, dpi=100)
