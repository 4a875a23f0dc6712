"""Pick the checkpoint that ``tools/train.py --resume`` continues from."""
import glob
import os.path as osp
import re
from typing import List, Optional, Tuple

from .safe_checkpoint import CorruptCheckpointError, load_local_checkpoint

#: The names ``CheckpointHook`` gives its periodic checkpoints.
CHECKPOINT_NAME = re.compile(r'^(?:epoch|iter)_(\d+)\.pth$')


def find_resumable_checkpoint(
        work_dir: str) -> Tuple[Optional[str], List[Tuple[str, str]]]:
    """The newest readable checkpoint of ``work_dir``.

    That is the file named in ``work_dir/last_checkpoint``, as MMEngine
    resumes from, unless it is missing or cannot be read (truncated,
    damaged): then the newest readable ``epoch_*.pth`` / ``iter_*.pth`` of
    ``work_dir``. A checkpoint that the safe loader refuses as unsafe stops
    the search (:class:`UnsafeCheckpointError`).

    Returns:
        tuple: The checkpoint (``None`` when there is no
        ``last_checkpoint``: nothing to resume), and the ``(path, reason)``
        of each newer file that was passed over.

    Raises:
        RuntimeError: ``last_checkpoint`` exists but no checkpoint of
            ``work_dir`` can be loaded.
    """
    last = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(last):
        return None, []
    with open(last) as f:
        named = f.read().strip()
    numbered = []
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        match = CHECKPOINT_NAME.match(osp.basename(path))
        if match and osp.abspath(path) != osp.abspath(named or '.'):
            numbered.append((int(match.group(1)), path))
    candidates = ([named] if named else []) + [
        path for _, path in sorted(numbered, reverse=True)
    ]
    skipped = [] if named else [(last, 'it is empty')]
    for path in candidates:
        try:
            load_local_checkpoint(path, map_location='cpu')
        except (FileNotFoundError, CorruptCheckpointError) as err:
            skipped.append((path, str(err)))
            continue
        return path, skipped
    raise RuntimeError(
        f'--resume found no readable checkpoint in {work_dir}: ' +
        '; '.join(f'{p}: {r}' for p, r in skipped) +
        '. Train without --resume to start again, or pass --resume '
        'CHECKPOINT.')
