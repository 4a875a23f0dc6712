"""emovid_mm: video-level valence/arousal regression on top of MMAction2."""
from .version import __version__

__all__ = ['__version__']
