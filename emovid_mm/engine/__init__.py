from . import hooks  # noqa: F401 (registers the hooks)
from .atomic_local_backend import AtomicLocalBackend
from .resume import find_resumable_checkpoint
from .safe_checkpoint import (CHECKPOINT_SAFE_GLOBALS, CorruptCheckpointError,
                              UnsafeCheckpointError, load_local_checkpoint,
                              load_url_checkpoint,
                              register_safe_checkpoint_loader)

__all__ = [
    'AtomicLocalBackend', 'CHECKPOINT_SAFE_GLOBALS', 'CorruptCheckpointError',
    'UnsafeCheckpointError', 'find_resumable_checkpoint',
    'load_local_checkpoint', 'load_url_checkpoint',
    'register_safe_checkpoint_loader'
]
