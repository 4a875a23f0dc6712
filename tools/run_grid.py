"""Train and evaluate a grid of configs, and collect the results in one table.

Each config runs through :func:`emovid_mm.apis.run_experiment` in
``WORK_ROOT/<config name>``: trained (an interrupted run resumes from its
newest checkpoint), its last or best checkpoint evaluated on each split (the
paper reports the training and the test split side by side), and recorded
there (``run.json``, ``{split}.csv``). A config recorded already is not run
again, so the same command continues an interrupted grid. The table, computed
from the records' predictions, goes to ``WORK_ROOT/results.csv`` and
``WORK_ROOT/results.md`` and is printed.

Example, the paper's Table III (ECO Lite with 4, 8 and 12 frames)::

    python tools/run_grid.py \
        configs/eco/eco_lite_*-1x1x*-5fps-30e_liris-accede-arousal-rgb.py \
        --work-root work_dirs/table3 --data-root data/liris_accede
"""
import argparse
import csv
import os
import os.path as osp
import sys

from mmengine.config import DictAction

from emovid_mm.apis import (RecordError, read_record, run_experiment,
                            target_scores)
from emovid_mm.utils import markdown_table

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
    parser.add_argument('--data-root', help='the dataset folder')
    parser.add_argument('--seed', type=int, help='random seed')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='deterministic mode, as tools/train.py --deterministic')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of every config, e.g. '
        'train_cfg.max_epochs=1')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    missing = [c for c in args.configs if not osp.isfile(c)]
    if missing:
        sys.exit(f'Config file(s) not found: {missing}')
    rows = []
    for config in args.configs:
        name = osp.splitext(osp.basename(config))[0]
        try:
            record = run_experiment(
                config,
                osp.join(args.work_root, name),
                data_root=args.data_root,
                cfg_options=args.cfg_options,
                seed=args.seed,
                deterministic=args.deterministic,
                splits=args.splits,
                checkpoint=args.checkpoint)
        except RecordError as e:
            sys.exit(f'error: {e}')
        row = dict(config=name)
        for split, predictions in read_record(record)[1].items():
            for target, scores in target_scores(predictions).items():
                for score in SCORES:
                    row[f'{split}/{target}/{score}'] = f'{scores[score]:.4g}'
        rows.append(row)

    columns = ['config'] + sorted({c for r in rows for c in r} - {'config'})
    os.makedirs(args.work_root, exist_ok=True)
    with open(osp.join(args.work_root, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    markdown = markdown_table(
        columns, [[r.get(c, '') for c in columns] for r in rows]) + '\n'
    with open(osp.join(args.work_root, 'results.md'), 'w') as f:
        f.write(markdown)
    print(markdown)


if __name__ == '__main__':
    main()
