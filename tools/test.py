"""Evaluate a checkpoint, as MMAction2's ``tools/test.py`` does."""
import argparse
import os

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from emovid_mm.utils import prepare_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Test (and evaluate) an emotion regressor')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help='the dir to save the evaluation metrics and logs')
    parser.add_argument(
        '--data-root',
        help='the dataset folder, for the train, val and test splits')
    parser.add_argument(
        '--dump',
        help='write per-clip predictions, targets and variances to this '
        '.csv or .json file')
    parser.add_argument(
        '--split',
        help='evaluate on this split of the config (e.g. train, val, test) '
        'instead of its test split')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main() -> None:
    args = parse_args()
    cfg = prepare_config(
        Config.fromfile(args.config), args.config, args.work_dir,
        args.data_root, args.cfg_options, args.launcher)
    cfg.load_from = args.checkpoint
    if args.split is not None:
        cfg.test_dataloader.dataset.split = args.split
    if args.dump is not None:
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, list):
            evaluators = [evaluators]
        cfg.test_evaluator = [
            *evaluators,
            dict(type='DumpEmotionResults', out_file_path=args.dump)
        ]
    runner = Runner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    main()
