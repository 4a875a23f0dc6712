"""Config handling shared by ``tools/train.py``, ``tools/test.py`` and the
in-process :mod:`emovid_mm.apis` that train and evaluate as they do."""
import argparse
import os
import os.path as osp
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config, DictAction


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """Add the options both tools share with MMAction2's: ``--work-dir``,
    ``--cfg-options``, ``--launcher``, ``--local_rank``, plus
    ``--data-root``."""
    parser.add_argument(
        '--work-dir', help='the dir to save logs, metrics and checkpoints')
    parser.add_argument(
        '--data-root',
        help='the dataset folder, for the train, val and test splits')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs, e.g. '
        'train_dataloader.batch_size=4')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Read ``args.config`` and apply the options of
    :func:`add_runner_args`."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return prepare_config(
        Config.fromfile(args.config), args.config, args.work_dir,
        args.data_root, args.cfg_options, args.launcher)


def prepare_config(cfg: Config, config_path: str, work_dir: Optional[str],
                   data_root: Optional[str], cfg_options: Optional[dict],
                   launcher: str) -> Config:
    """Apply ``--data-root``, ``--cfg-options``, ``--work-dir`` and
    ``--launcher``.

    ``--data-root`` replaces the ``data_root`` of the datasets of all
    dataloaders; ``--cfg-options`` are applied after it. The work dir
    defaults to ``work_dirs/<config name>``, as in MMAction2.
    """
    if data_root is not None:
        cfg.data_root = data_root
        for split in ('train', 'val', 'test'):
            loader = cfg.get(f'{split}_dataloader')
            if loader is not None:
                loader.dataset.data_root = data_root
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config_path))[0])
    if launcher == 'pytorch' and not torch.cuda.is_available():
        setup_cpu_distributed(cfg)
    return cfg


def apply_train_options(cfg: Config,
                        amp: bool = False,
                        no_validate: bool = False,
                        auto_scale_lr: bool = False,
                        seed: Optional[int] = None,
                        diff_rank_seed: bool = False,
                        deterministic: bool = False) -> Config:
    """Apply the options of ``tools/train.py`` of the same names.

    ``deterministic`` also stops the training dataloader's workers from
    living across epochs: they keep their random streams, which a resumed
    run cannot restore (``EpochSeedHook``). ``cfg.randomness`` is always
    set, the config's own seed and flags kept where not overridden.
    """
    if no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        checkpoint = cfg.default_hooks.get('checkpoint')
        if checkpoint is not None:
            checkpoint.pop('save_best', None)
            checkpoint.pop('rule', None)
    if amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if auto_scale_lr:
        cfg.auto_scale_lr = dict(
            cfg.get('auto_scale_lr') or dict(base_batch_size=8), enable=True)
    randomness = dict(seed=None)
    randomness.update(cfg.get('randomness') or {})
    if seed is not None:
        randomness['seed'] = seed
    randomness['diff_rank_seed'] = diff_rank_seed or randomness.get(
        'diff_rank_seed', False)
    randomness['deterministic'] = deterministic or randomness.get(
        'deterministic', False)
    cfg.randomness = randomness
    if randomness['deterministic']:
        cfg.train_dataloader.persistent_workers = False
    return cfg


def apply_test_options(cfg: Config,
                       checkpoint: str,
                       split: Optional[str] = None,
                       dump: Optional[str] = None) -> Config:
    """Point the config at ``checkpoint``, and, as ``tools/test.py``'s
    ``--split`` and ``--dump`` do, test on another split of its dataset
    than ``test_dataloader``'s and write the per-clip predictions to a
    ``.csv`` or ``.json`` file (``DumpEmotionResults``)."""
    cfg.load_from = checkpoint
    if split is not None:
        cfg.test_dataloader.dataset.split = split
    if dump is not None:
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, list):
            evaluators = [evaluators]
        cfg.test_evaluator = [
            *evaluators,
            dict(type='DumpEmotionResults', out_file_path=dump)
        ]
    return cfg


def setup_cpu_distributed(cfg: Config) -> None:
    """Run a ``torchrun`` job on CPUs.

    MMEngine 0.10 starts distributed jobs with ``torch.cuda.set_device`` and
    wraps the model with GPU device ids. Without GPUs, start the process
    group here with the ``gloo`` backend (MMEngine then skips its own start)
    and let ``DistributedDataParallel`` run on the CPU.
    """
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
    wrapper = dict(
        type='MMDistributedDataParallel', broadcast_buffers=False)
    wrapper.update(cfg.get('model_wrapper_cfg') or {})
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
