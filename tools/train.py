"""Train a model from a config, as MMAction2's ``tools/train.py`` does."""
import argparse

from emovid_mm.apis import train_model
from emovid_mm.utils import (add_runner_args, apply_train_options,
                             load_config)


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


def main() -> None:
    args = parse_args()
    cfg = apply_train_options(
        load_config(args),
        amp=args.amp,
        no_validate=args.no_validate,
        auto_scale_lr=args.auto_scale_lr,
        seed=args.seed,
        diff_rank_seed=args.diff_rank_seed,
        deterministic=args.deterministic)
    train_model(cfg, args.resume)


if __name__ == '__main__':
    main()
