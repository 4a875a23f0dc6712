"""Train a config, evaluate it on each split and record the run, in this
process: the one experiment loop of ``tools/run_grid.py`` and
``.dev_scripts/model_zoo.py``."""
import glob
import os
import os.path as osp
import shlex
from typing import Optional, Sequence

from mmengine.config import Config
from mmengine.logging import print_log

from ..utils.config import apply_train_options, prepare_config
from .evaluate_checkpoint import evaluate_checkpoint
from .run_record import (RECORD_FILE, RecordError, check_work_dir, shown,
                         write_record)
from .train_model import train_model


def run_experiment(config: str,
                   work_dir: str,
                   record_dir: Optional[str] = None,
                   data_root: Optional[str] = None,
                   cfg_options: Optional[dict] = None,
                   seed: Optional[int] = None,
                   deterministic: bool = False,
                   splits: Sequence[str] = ('train', 'test'),
                   checkpoint: str = 'last',
                   name: Optional[str] = None,
                   model: Optional[str] = None,
                   data_name: Optional[str] = None,
                   data_command: Optional[str] = None) -> str:
    """Train ``config`` into ``work_dir``, evaluate a checkpoint on each
    split and write the record of the run
    (:mod:`~emovid_mm.apis.run_record`).

    Training is that of ``tools/train.py CONFIG --resume`` (by
    :func:`~emovid_mm.apis.train_model`): an interrupted run continues from
    its newest checkpoint, a finished one trains no more. Each split is
    evaluated by :func:`~emovid_mm.apis.evaluate_checkpoint`, with its logs
    in ``work_dir/test_{split}``. A ``record_dir`` that holds a record
    already is left as it is and nothing runs, so that the same call
    continues an interrupted series of runs.

    Args:
        config (str): The config file.
        work_dir (str): Where to train.
        record_dir (str, optional): Where the record goes; default
            ``work_dir``.
        data_root (str, optional): The dataset folder (``--data-root``).
        cfg_options (dict, optional): Settings to override, as
            ``--cfg-options`` gives them.
        seed (int, optional): The random seed (``--seed``).
        deterministic (bool): Deterministic mode (``--deterministic``).
        splits (Sequence[str]): The splits to evaluate.
        checkpoint (str): Evaluate the ``'last'`` checkpoint or the
            ``'best'`` one on the validation split.
        name (str, optional): The record's name; default the config's.
        model (str, optional): The model's name in tables; default the
            record's name.
        data_name (str, optional): The data, in a few words; default its
            folder.
        data_command (str, optional): The command that makes the data.

    Returns:
        str: The record folder.

    Raises:
        RecordError: ``work_dir`` was trained with other settings, or has
            no best checkpoint to evaluate.
    """
    record_dir = record_dir or work_dir
    if osp.isfile(osp.join(record_dir, RECORD_FILE)):
        print_log(f'{record_dir} holds a record: {config} not run again.',
                  logger='current')
        return record_dir
    cfg = apply_train_options(
        prepare_config(
            Config.fromfile(config), config, work_dir, data_root,
            cfg_options, 'none'),
        seed=seed,
        deterministic=deterministic)
    check_work_dir(work_dir, config, cfg)
    train_model(cfg, 'auto')
    evaluated = pick_checkpoint(work_dir, checkpoint)
    os.makedirs(record_dir, exist_ok=True)
    shared = ['--data-root', shown(data_root)] if data_root else []
    options = ['--cfg-options', *(f'{k}={v}' for k, v in cfg_options.items())
               ] if cfg_options else []
    train = [
        'python', 'tools/train.py',
        shown(config), *shared, '--work-dir',
        shown(work_dir), *options
    ]
    if seed is not None:
        train += ['--seed', str(seed)]
    if deterministic:
        train.append('--deterministic')
    commands = [shlex.join(train)]
    for split in splits:
        dump = osp.join(record_dir, f'{split}.csv')
        test_dir = osp.join(work_dir, f'test_{split}')
        evaluate_checkpoint(config, evaluated, split, data_root, test_dir,
                            cfg_options, dump)
        commands.append(
            shlex.join([
                'python', 'tools/test.py',
                shown(config),
                shown(evaluated), *shared, '--split', split, '--dump',
                shown(dump), '--work-dir',
                shown(test_dir), *options
            ]))
    root = data_root or cfg.train_dataloader.dataset.data_root
    name = name or osp.splitext(osp.basename(config))[0]
    write_record(
        record_dir,
        shown(config),
        work_dir,
        evaluated,
        splits,
        name=name,
        model=model or name,
        data=dict(
            name=data_name or shown(root),
            root=shown(root),
            command=data_command),
        commands=commands)
    return record_dir


def pick_checkpoint(work_dir: str, which: str) -> str:
    """The ``'last'`` checkpoint of a work dir, or its ``'best'`` one."""
    if which == 'best':
        found = sorted(
            glob.glob(osp.join(work_dir, 'best_*.pth')), key=osp.getmtime)
        if not found:
            raise RecordError(f'No best_*.pth in {work_dir}: was it trained '
                              'with validation?')
        return found[-1]
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()
