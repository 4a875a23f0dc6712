"""A local file backend whose writes are atomic."""
import os
import os.path as osp
from pathlib import Path
from typing import Union

import mmengine
from mmengine.fileio import LocalBackend, register_backend


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """:class:`mmengine.fileio.LocalBackend` whose :meth:`put` writes a
    temporary file next to the target, flushes it to the disk and renames
    it onto the target.

    A process killed while writing (or a machine that goes down) leaves
    either the old file or the complete new one, never a truncated file;
    at worst a stale ``<name>.tmp`` that the next write replaces. Select
    it with ``backend_args=dict(backend='atomic_local')``, e.g. in the
    ``CheckpointHook`` of ``configs/_base_/default_runtime.py``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        filepath = str(filepath)
        directory = osp.dirname(osp.abspath(filepath))
        mmengine.mkdir_or_exist(directory)
        tmp = f'{filepath}.tmp'
        with open(tmp, 'wb') as f:
            f.write(obj)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
        # Make the rename itself durable.
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
