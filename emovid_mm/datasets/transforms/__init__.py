from .pack_emotion_inputs import PackEmotionInputs
from .segment_sample_frames import ClipTooShortError, SegmentSampleFrames

__all__ = ['ClipTooShortError', 'PackEmotionInputs', 'SegmentSampleFrames']
