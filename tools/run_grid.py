"""Train and evaluate a grid of configs, and collect the results in one table.

For each config: train it with ``tools/train.py`` into
``WORK_ROOT/<config name>`` (resuming from the latest checkpoint when a run
was interrupted), evaluate a checkpoint with ``tools/test.py`` on each split
asked for (the paper reports the training and the test split side by side),
and keep the scores in ``WORK_ROOT/<config name>/grid_metrics.json``. A
config with scores already there is not run again, so the same command
continues an interrupted grid. The table goes to ``WORK_ROOT/results.csv``
and ``WORK_ROOT/results.md`` and is printed.

Example, the paper's Table II::

    python tools/run_grid.py configs/paper/table2_*.py --work-root work_dirs/table2
"""
import argparse
import csv
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Sequence

from emovid_mm.utils import markdown_table

TOOLS = osp.dirname(osp.abspath(__file__))
SCORES = ('pearson_r', 'pearson_p', 'mse')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument(
        '--work-root', required=True, help='folder of the runs and table')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train', 'test'],
        help='splits to evaluate (default: %(default)s)')
    parser.add_argument(
        '--checkpoint',
        choices=['last', 'best'],
        default='last',
        help='evaluate the last checkpoint or the best one on validation')
    parser.add_argument('--data-root', help='passed to train and test')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='passed to train and test, e.g. train_cfg.max_epochs=1')
    return parser.parse_args()


def run(args: List[str]) -> None:
    """Run a tool of this folder; stop the grid if it fails."""
    command = [sys.executable, osp.join(TOOLS, args[0]), *args[1:]]
    print('+', ' '.join(command), flush=True)
    proc = subprocess.run(command)
    if proc.returncode:
        sys.exit(f'{args[0]} failed (exit {proc.returncode}): '
                 f'{" ".join(command)}')


def common_args(args: argparse.Namespace) -> List[str]:
    out = ['--data-root', args.data_root] if args.data_root else []
    if args.cfg_options:
        out += ['--cfg-options', *args.cfg_options]
    return out


def checkpoint(work_dir: str, which: str) -> str:
    """The path of the last or best checkpoint of a finished run."""
    if which == 'best':
        found = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')),
                       key=osp.getmtime)
        if not found:
            sys.exit(f'No best_*.pth in {work_dir}: was it trained with '
                     'validation?')
        return found[-1]
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def latest_metrics(folder: str) -> Dict[str, float]:
    """The metrics MMEngine's test loop wrote last under ``folder``."""
    found = sorted(glob.glob(osp.join(folder, '*', '*.json')),
                   key=osp.getmtime)
    if not found:
        sys.exit(f'tools/test.py wrote no metrics under {folder}.')
    with open(found[-1]) as f:
        return json.load(f)


def run_config(config: str, args: argparse.Namespace) -> Dict[str, dict]:
    """Train and evaluate one config; returns ``{split: metrics}``."""
    work_dir = osp.join(args.work_root, osp.splitext(osp.basename(config))[0])
    result_file = osp.join(work_dir, 'grid_metrics.json')
    if osp.isfile(result_file):
        print(f'{config}: results in {result_file}, not run again.')
        with open(result_file) as f:
            return json.load(f)
    train = ['train.py', config, '--work-dir', work_dir, *common_args(args)]
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        train.append('--resume')
    run(train)
    ckpt = checkpoint(work_dir, args.checkpoint)
    results = dict(checkpoint=ckpt)
    for split in args.splits:
        test_dir = osp.join(work_dir, f'test_{split}')
        run([
            'test.py', config, ckpt, '--split', split, '--work-dir',
            test_dir, *common_args(args)
        ])
        results[split] = latest_metrics(test_dir)
    with open(result_file, 'w') as f:
        json.dump(results, f, indent=1)
    return results


def table(results: Dict[str, Dict[str, dict]],
          splits: Sequence[str]) -> List[Dict[str, str]]:
    """One row per config: ``{split}/{target}/{score}`` columns."""
    rows = []
    for name, result in results.items():
        row = dict(config=name)
        for split in splits:
            for key, value in sorted(result[split].items()):
                target, _, score = key.partition('/')
                if score in SCORES and target != 'mean':
                    row[f'{split}/{key}'] = f'{value:.4g}'
        rows.append(row)
    return rows


def write_table(rows: List[Dict[str, str]], work_root: str) -> str:
    """Write ``results.csv`` and ``results.md``; returns the markdown."""
    columns = ['config'] + sorted({c for r in rows for c in r} - {'config'})
    with open(osp.join(work_root, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    markdown = markdown_table(
        columns, [[r.get(c, '') for c in columns] for r in rows]) + '\n'
    with open(osp.join(work_root, 'results.md'), 'w') as f:
        f.write(markdown)
    return markdown


def main() -> None:
    args = parse_args()
    missing = [c for c in args.configs if not osp.isfile(c)]
    if missing:
        sys.exit(f'Config file(s) not found: {missing}')
    os.makedirs(args.work_root, exist_ok=True)
    results = {
        osp.splitext(osp.basename(c))[0]: run_config(c, args)
        for c in args.configs
    }
    print(write_table(table(results, args.splits), args.work_root))


if __name__ == '__main__':
    main()
