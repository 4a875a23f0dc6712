"""A test-only hook that kills its training process with SIGKILL at a
chosen point, as a crash or ``kill -9`` would.

The tests load it with ``custom_imports=dict(imports=['sigkill_hook'])``
and ``tests/data`` on ``PYTHONPATH``.
"""
import builtins
import os
import os.path as osp
import signal
from typing import Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook


def sigkill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class HalfWriter:
    """A file whose first write stores half its data, then kills."""

    def __init__(self, file) -> None:
        self.file = file

    def __enter__(self) -> 'HalfWriter':
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def write(self, data) -> None:
        self.file.write(data[:len(data) // 2])
        self.file.flush()
        sigkill()


@HOOKS.register_module()
class SigkillHook(Hook):
    """Kill the process after training iteration ``after_iter`` (counted
    from 1 over the whole run), or halfway through the ``nth`` write to a
    file whose name starts with ``write_prefix``."""

    def __init__(self,
                 after_iter: Optional[int] = None,
                 write_prefix: Optional[str] = None,
                 nth: int = 1) -> None:
        self.after_iter = after_iter
        if write_prefix is None:
            return
        real_open = builtins.open
        count = 0

        def open_and_maybe_kill(file, mode='r', *args, **kwargs):
            nonlocal count
            handle = real_open(file, mode, *args, **kwargs)
            if (set(mode) & set('wax') and isinstance(file, (str, os.PathLike))
                    and osp.basename(file).startswith(write_prefix)):
                count += 1
                if count == nth:
                    return HalfWriter(handle)
            return handle

        builtins.open = open_and_maybe_kill

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        if runner.iter + 1 == self.after_iter:
            sigkill()
