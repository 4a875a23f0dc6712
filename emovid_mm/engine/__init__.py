from . import hooks  # noqa: F401 (registers the hooks)
from .safe_checkpoint import (CHECKPOINT_SAFE_GLOBALS, CorruptCheckpointError,
                              UnsafeCheckpointError, load_local_checkpoint,
                              load_url_checkpoint,
                              register_safe_checkpoint_loader)

__all__ = [
    'CHECKPOINT_SAFE_GLOBALS', 'CorruptCheckpointError',
    'UnsafeCheckpointError', 'load_local_checkpoint', 'load_url_checkpoint',
    'register_safe_checkpoint_loader'
]
