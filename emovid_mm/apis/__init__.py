"""Inference on any video: :func:`init_model` builds a trained model,
:func:`inference_emotion` predicts the emotion of a video, as a timeline of
windows for a long one."""
from .emotion_timeline import EmotionTimeline
from .inference import inference_emotion, init_model
from .sliding_windows import sliding_windows
from .video_source import VideoReadError, VideoSource
from .window_pipeline import WindowPipeline

__all__ = [
    'EmotionTimeline', 'VideoReadError', 'VideoSource', 'WindowPipeline',
    'inference_emotion', 'init_model', 'sliding_windows'
]
