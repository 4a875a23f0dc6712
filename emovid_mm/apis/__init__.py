"""Inference on any video: :func:`init_model` builds a trained model,
:func:`inference_emotion` predicts the emotion of a video, as a timeline of
windows for a long one."""
from .emotion_timeline import EmotionTimeline
from .inference import inference_emotion, init_model
from .sliding_windows import sliding_windows
from .video_source import VideoReadError, VideoSource

__all__ = [
    'EmotionTimeline', 'VideoReadError', 'VideoSource', 'inference_emotion',
    'init_model', 'sliding_windows'
]
