"""High-level entry points: :func:`init_model` builds a trained model and
:func:`inference_emotion` predicts the emotion of a video, as a timeline of
windows for a long one; :func:`train_model` and :func:`evaluate_checkpoint`
train and test in this process as ``tools/train.py`` and ``tools/test.py``
do, and :func:`run_experiment` does both and writes the record of the run
(:mod:`~emovid_mm.apis.run_record`)."""
from .emotion_timeline import EmotionTimeline
from .evaluate_checkpoint import evaluate_checkpoint
from .inference import AudioMissingWarning, inference_emotion, init_model
from .run_experiment import run_experiment
from .run_record import RecordError, read_record, target_scores
from .sliding_windows import sliding_windows
from .train_model import train_model
from .video_source import VideoReadError, VideoSource
from .window_pipeline import WindowPipeline

__all__ = [
    'AudioMissingWarning', 'EmotionTimeline', 'RecordError', 'VideoReadError',
    'VideoSource', 'WindowPipeline', 'evaluate_checkpoint',
    'inference_emotion', 'init_model', 'read_record', 'run_experiment',
    'sliding_windows', 'target_scores', 'train_model'
]
