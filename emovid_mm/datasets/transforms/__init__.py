from .clip_audio_decode import AudioUnavailableError, ClipAudioDecode
from .log_mel_spectrogram import LogMelSpectrogram
from .pack_emotion_inputs import PackEmotionInputs
from .segment_sample_frames import ClipTooShortError, SegmentSampleFrames
from .segment_sample_mel import SegmentSampleMel

__all__ = [
    'AudioUnavailableError', 'ClipAudioDecode', 'ClipTooShortError',
    'LogMelSpectrogram', 'PackEmotionInputs', 'SegmentSampleFrames',
    'SegmentSampleMel'
]
