"""Reseed every training epoch from the run's seed and the epoch."""
import random
from functools import partial

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.dataset import worker_init_fn
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.runner import Runner


def epoch_seed(seed: int, epoch: int) -> int:
    """A seed below 2**31 drawn from ``(seed, epoch)`` by numpy's
    ``SeedSequence``, so that each epoch gets an independent stream."""
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0] >> 1)


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Seed ``random``, ``numpy`` and ``torch`` at the start of each training
    epoch from ``(runner.seed, epoch)``, and the dataloader workers from the
    same seed with MMEngine's ``worker_init_fn``.

    The random numbers of an epoch (its augmentations, dropout masks, and,
    with ``num_workers=0``, the pipeline's draws in the main process) then
    depend only on the seed and the epoch, not on what ran before: a run
    resumed from the checkpoint of epoch ``e`` draws in epoch ``e + 1``
    exactly what the uninterrupted run drew. Workers are seeded when they
    start, so this holds for the workers only with
    ``persistent_workers=False`` (what ``tools/train.py --deterministic``
    sets); persistent workers keep the stream they started with.
    """

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner: Runner) -> None:
        seed = epoch_seed(runner.seed, runner.epoch)
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        loader = runner.train_loop.dataloader
        if loader.num_workers > 0:
            loader.worker_init_fn = partial(
                worker_init_fn,
                num_workers=loader.num_workers,
                rank=get_rank(),
                seed=seed)
