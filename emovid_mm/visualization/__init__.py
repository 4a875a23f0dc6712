from .emotion_timeline_plot import Truth, plot_emotion_timeline, read_truth

__all__ = ['Truth', 'plot_emotion_timeline', 'read_truth']
