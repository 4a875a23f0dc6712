from .emotion_timeline_plot import plot_emotion_timeline

__all__ = ['plot_emotion_timeline']
