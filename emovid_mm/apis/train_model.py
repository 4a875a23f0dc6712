"""Train a model from a config, in this process, as ``tools/train.py`` does."""
import os
from typing import Optional

import torch
from mmengine.config import Config
from mmengine.runner import Runner

from ..engine import find_resumable_checkpoint


def train_model(cfg: Config, resume: Optional[str] = None) -> None:
    """Train with MMEngine's ``Runner`` (``tools/train.py`` after its
    options, :func:`~emovid_mm.utils.config.apply_train_options`).

    With ``cfg.randomness.deterministic``, torch uses deterministic
    algorithms where it has them (MMEngine's ``deterministic`` sets only
    cuDNN's flags; cuBLAS needs a fixed workspace). Some CUDA backward passes
    have none (adaptive average pooling, 3D max pooling): torch warns about
    those instead of failing. On the CPU, MKL's results can depend on where
    the memory of their arrays lies, which changes from process to process
    (about 1 process in 30 trained the tests' model to other weights, in
    the last bits); ``MKL_CBWR=AUTO,STRICT`` (conditional numerical
    reproducibility, read at MKL's first call) removes that.

    Args:
        cfg (Config): The config, with ``work_dir`` set.
        resume (str, optional): ``'auto'`` resumes from the newest readable
            checkpoint of the work dir
            (:func:`~emovid_mm.engine.find_resumable_checkpoint`), or starts
            as the config does when there is none yet; a path resumes from
            that checkpoint; ``None`` starts as the config does.
    """
    if (cfg.get('randomness') or {}).get('deterministic'):
        os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
        os.environ.setdefault('MKL_CBWR', 'AUTO,STRICT')
        torch.use_deterministic_algorithms(True, warn_only=True)
    found, skipped = None, []
    if resume == 'auto':
        found, skipped = find_resumable_checkpoint(cfg.work_dir)
    elif resume is not None:
        found = resume
    if found is not None:
        cfg.resume, cfg.load_from = True, found
    runner = Runner.from_cfg(cfg)
    for path, reason in skipped:
        runner.logger.warning(f'--resume: skipping {path}, which cannot be '
                              f'loaded ({reason}); trying the one before.')
    if resume == 'auto' and found is None:
        # A config's load_from (published weights) still starts the run.
        runner.logger.warning(
            f'--resume: no checkpoint in {cfg.work_dir} yet; starting from '
            f'{cfg.get("load_from") or "scratch"}.')
    runner.train()
