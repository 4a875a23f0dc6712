from .safe_checkpoint import (CHECKPOINT_SAFE_GLOBALS, UnsafeCheckpointError,
                              load_local_checkpoint,
                              register_safe_checkpoint_loader)

__all__ = [
    'CHECKPOINT_SAFE_GLOBALS', 'UnsafeCheckpointError',
    'load_local_checkpoint', 'register_safe_checkpoint_loader'
]
