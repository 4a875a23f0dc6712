from .recognizer_eco import RecognizerECO

__all__ = ['RecognizerECO']
