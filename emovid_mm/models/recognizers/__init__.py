from .recognizer_audio_visual import RecognizerAudioVisual
from .recognizer_eco import RecognizerECO

__all__ = ['RecognizerAudioVisual', 'RecognizerECO']
