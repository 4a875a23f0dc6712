"""The timeline picture of a video and the known values drawn on it."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from emovid_mm.apis import EmotionTimeline
from emovid_mm.visualization import plot_emotion_timeline, read_truth


def test_plot_of_a_single_target(tmp_path):
    timeline = EmotionTimeline(
        video='film.mp4',
        targets=('arousal', ),
        windows=np.array([[0.0, 10.0], [5.0, 15.0], [10.0, 20.0]]),
        window_values=np.array([[2.0], [2.5], [3.5]]),
        duration=20.0,
        num_frames=500)
    assert timeline.values == dict(arousal=pytest.approx(8 / 3))
    plot_emotion_timeline(timeline, str(tmp_path / 'film.png'))
    assert (tmp_path / 'film.png').read_bytes()[:4] == b'\x89PNG'


def test_truth_is_read_and_drawn_as_steps(tmp_path, monkeypatch):
    path = tmp_path / 'clips.csv'
    path.write_text('start,end,name,valence\n0,10,a.mp4,1.5\n10,20,b.mp4,3\n')
    segments, known = read_truth(str(path), ('valence', 'arousal'))
    assert segments.tolist() == [[0, 10], [10, 20]]
    assert list(known) == ['valence'] and known['valence'].tolist() == [1.5, 3]
    timeline = EmotionTimeline(
        'film.mp4', ('valence', 'arousal'),
        np.array([[0.0, 10.0], [5.0, 15.0], [10.0, 20.0]]),
        np.array([[2.0, 3.0], [2.5, 3.0], [3.0, 3.0]]), 20.0, 500)
    figures = []
    monkeypatch.setattr(Figure, 'savefig',
                        lambda fig, *args, **kwargs: figures.append(fig))
    plot_emotion_timeline(timeline, 'unused.png', (segments, known))
    lines = {line.get_label(): line for line in figures[0].axes[0].lines}
    assert 'arousal, truth' not in lines
    assert lines['valence, truth'].get_xdata().tolist() == [0, 10, 10, 20]
    assert lines['valence, truth'].get_ydata().tolist() == [1.5, 1.5, 3, 3]
    # window truths 1.5, 2.25, 3 against predictions 2, 2.5, 3
    assert timeline.truth_correlations(
        (segments, known)) == dict(valence=pytest.approx(1.0))
    path.write_text('start,end,mood\n0,10,1\n')
    with pytest.raises(ValueError, match='clips.csv needs a header'):
        read_truth(str(path), ('valence', 'arousal'))
