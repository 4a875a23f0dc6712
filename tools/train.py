"""Train a model from a config, as MMAction2's ``tools/train.py`` does."""
import argparse
import os

import torch
from mmengine.config import Config
from mmengine.runner import Runner

from emovid_mm.engine import find_resumable_checkpoint
from emovid_mm.utils import add_runner_args, load_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train an emotion regressor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, with no value, from the '
        'latest checkpoint in the work dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the total batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed',
        action='store_true',
        help='use a different seed on each rank')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='deterministic mode: deterministic algorithms (cuDNN '
        'included) and dataloader workers restarted and reseeded every '
        'epoch, so that a run and its resumed copy repeat exactly')
    add_runner_args(parser)
    return parser.parse_args()


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line options to the config."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        checkpoint = cfg.default_hooks.get('checkpoint')
        if checkpoint is not None:
            checkpoint.pop('save_best', None)
            checkpoint.pop('rule', None)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume is not None and args.resume != 'auto':
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr = dict(
            cfg.get('auto_scale_lr') or dict(base_batch_size=8), enable=True)
    randomness = dict(seed=None)
    randomness.update(cfg.get('randomness') or {})
    if args.seed is not None:
        randomness['seed'] = args.seed
    for key in ('diff_rank_seed', 'deterministic'):
        randomness[key] = getattr(args, key) or randomness.get(key, False)
    cfg.randomness = randomness
    if randomness['deterministic']:
        # Workers that live across epochs keep their random streams, which
        # a resumed run cannot restore (EpochSeedHook).
        cfg.train_dataloader.persistent_workers = False
    return cfg


def make_deterministic() -> None:
    """Use deterministic algorithms where torch has them (MMEngine's
    ``deterministic`` sets only cuDNN's flags; cuBLAS needs a fixed
    workspace). Some CUDA backward passes have none (adaptive average
    pooling, 3D max pooling): torch warns about those instead of failing."""
    os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
    torch.use_deterministic_algorithms(True, warn_only=True)


def main() -> None:
    args = parse_args()
    cfg = merge_args(load_config(args), args)
    if cfg.randomness['deterministic']:
        make_deterministic()
    found, skipped = None, []
    if args.resume == 'auto':
        found, skipped = find_resumable_checkpoint(cfg.work_dir)
        if found is not None:
            cfg.resume, cfg.load_from = True, found
    runner = Runner.from_cfg(cfg)
    for path, reason in skipped:
        runner.logger.warning(f'--resume: skipping {path}, which cannot be '
                              f'loaded ({reason}); trying the one before.')
    if args.resume == 'auto' and found is None:
        # A config's load_from (published weights) still starts the run.
        runner.logger.warning(
            f'--resume: no checkpoint in {cfg.work_dir} yet; starting from '
            f'{cfg.get("load_from") or "scratch"}.')
    runner.train()


if __name__ == '__main__':
    main()
