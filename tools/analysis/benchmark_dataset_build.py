"""Time how long a config's datasets take to build, with the clip probe
(frame counts and rates read from the containers) and without it.

    python tools/analysis/benchmark_dataset_build.py CONFIG \
        [--data-root DIR] [--repeat 3]

Builds the train, val and test datasets of CONFIG as the runner does, in
this order, each way:

* ``probe, no cache``: every clip probed, no cache file;
* ``probe, cold cache``: the cache file removed first, then written;
* ``probe, warm cache``: the cache file just written is read;
* ``no probe``: the pipelines emptied, so only the annotations are read.

It prints the best of ``--repeat`` runs of each, in seconds. The probe cache
lives in ``data_root`` (the dataset's ``probe_cache``) and is removed before
the cold runs: run this on a copy, or accept that the cache is rebuilt.
"""
import argparse
import os
import os.path as osp
import time
from typing import Callable, Dict, List

from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from emovid_mm.utils import markdown_table

SPLITS = ('train', 'val', 'test')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Time the building of a config\'s datasets')
    parser.add_argument('config', help='config file')
    parser.add_argument('--data-root', help='the dataset folder')
    parser.add_argument(
        '--repeat', type=int, default=3, help='runs of each way (the best '
        'is shown)')
    return parser.parse_args()


def dataset_configs(cfg: Config, data_root: str) -> Dict[str, dict]:
    """The dataset config of each split, with ``data_root`` if given."""
    configs = {}
    for split in SPLITS:
        dataset = cfg.get(f'{split}_dataloader', {}).get('dataset')
        if dataset is not None:
            configs[split] = dict(dataset)
            if data_root is not None:
                configs[split]['data_root'] = data_root
    return configs


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    configs = dataset_configs(cfg, args.data_root)

    def build(split: str, **changes) -> float:
        start = time.perf_counter()
        DATASETS.build(dict(configs[split], **changes)).full_init()
        return time.perf_counter() - start

    def clear_cache(split: str) -> None:
        cache = configs[split].get('probe_cache', '.clip_probe_cache.json')
        path = osp.join(configs[split]['data_root'], cache or '')
        if cache and osp.exists(path):
            os.remove(path)

    rows: List[list] = []

    def row(way: str, run: Callable[[str], float]) -> None:
        seconds = [
            min(run(split) for _ in range(args.repeat)) for split in configs
        ]
        rows.append([way, *(f'{t:.2f}' for t in seconds),
                     f'{sum(seconds):.2f}'])

    row('probe, no cache', lambda split: build(split, probe_cache=None))
    row('probe, cold cache',
        lambda split: clear_cache(split) or build(split))
    for split in configs:  # one cache holding every split's clips
        build(split)
    row('probe, warm cache', build)
    row('no probe', lambda split: build(split, pipeline=[]))
    sizes = [
        f'{split} ({len(DATASETS.build(dict(c, pipeline=[])))} clips)'
        for split, c in configs.items()
    ]
    print(markdown_table(['way', *sizes, 'all'], rows))


if __name__ == '__main__':
    main()
