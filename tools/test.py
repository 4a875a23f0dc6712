"""Evaluate a checkpoint, as MMAction2's ``tools/test.py`` does."""
import argparse

from mmengine.runner import Runner

from emovid_mm.utils import (add_runner_args, apply_test_options,
                             load_config)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Test (and evaluate) an emotion regressor')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--dump',
        help='write per-clip predictions, targets and variances to this '
        '.csv or .json file')
    parser.add_argument(
        '--split',
        help='evaluate on this split of the config (e.g. train, val, test) '
        'instead of its test split')
    add_runner_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = apply_test_options(
        load_config(args), args.checkpoint, args.split, args.dump)
    Runner.from_cfg(cfg).test()


if __name__ == '__main__':
    main()
