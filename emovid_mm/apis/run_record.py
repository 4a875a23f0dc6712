"""The record of a run: what it trained, how and where, and its per-clip
predictions on each split it was evaluated on.

:func:`~emovid_mm.apis.run_experiment` writes records: ``tools/run_grid.py``
into its work dirs, ``.dev_scripts/model_zoo.py`` into ``model_zoo/runs/``,
from where it renders ``model_zoo.md``. A record is a folder of

* ``run.json``: ``name``; ``model``, the name in tables; ``collection``, the
  model family (:func:`model_family`); ``config`` and ``config_digest``
  (:func:`config_digest`); ``frames`` and ``input_size`` of the test clips
  (``None`` for an audio-only model) and ``audio_input``, the
  ``[segments, mels, frames]`` of their log-mel input (``None`` for a model
  without audio); ``params`` and ``flops`` per clip at that size (MMEngine's
  ``FlopAnalyzer``, by :func:`~emovid_mm.analysis.analyse`); ``epochs``;
  ``data`` (``name``, ``root``, and the ``command`` that makes it, or
  ``None``); ``machine``; ``train_seconds``, from the training log's
  timestamps, resumed sessions summed; ``checkpoint`` (``path``,
  ``sha256``); ``train_log``, a log per session; ``splits``; ``commands``,
  the ``tools/train.py`` and ``tools/test.py`` commands that do what the run
  did;
* ``{split}.csv``: the per-clip predictions
  (:mod:`emovid_mm.evaluation.prediction_file`);
* ``TIMESTAMP/vis_data/scalars.json``: the training scalars of each session,
  so that ``tools/analysis/plot_curves.py RECORD`` draws the curves.
"""
import glob
import hashlib
import json
import os
import os.path as osp
import platform
import re
import shutil
from datetime import datetime
from typing import Any, Dict, List, Sequence, Tuple

import torch
from mmengine.config import Config

from ..analysis import analyse
from ..evaluation import Predictions, read_predictions, regression_scores
from ..utils import audio_shape, clip_shape

RECORD_FILE = 'run.json'
#: The config sections that define a run (data roots and how the loader
#: feeds the model aside).
DIGEST_SECTIONS = ('model', 'train_dataloader', 'val_dataloader',
                   'test_dataloader', 'optim_wrapper', 'param_scheduler',
                   'train_cfg')
DIGEST_IGNORED = ('data_root', 'num_workers', 'persistent_workers',
                  'pin_memory', 'prefetch_factor')
LOG_TIME = re.compile(r'^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) ')


class RecordError(Exception):
    """A run that cannot be recorded, or a record that does not hold."""


def config_digest(cfg: Config) -> str:
    """SHA-256 of the settings that define a run (:data:`DIGEST_SECTIONS`,
    without :data:`DIGEST_IGNORED` keys)."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: clean(v)
                for k, v in value.items() if k not in DIGEST_IGNORED
            }
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    payload = {k: clean(cfg.to_dict().get(k)) for k in DIGEST_SECTIONS}
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def model_family(cfg: Config) -> str:
    """The paper a config's model comes from: ``C3D``, ``R(2+1)D``, ``TSN``
    or ``ECO``; that of the visual branch of an audio-visual model, ``TSN``
    for an audio-only one (TSN-style segments of log-mel)."""
    model = cfg.model
    if model.type == 'RecognizerAudioVisual':
        if model.get('visual') is None:
            return 'TSN'
        model = model.visual
    model, backbone = model.type, model.backbone.type
    if model == 'RecognizerECO':
        return 'ECO'
    if model == 'Recognizer2D':
        return 'TSN'
    if backbone in ('C3D', 'C3DFlex'):
        return 'C3D'
    if backbone == 'ResNet2Plus1d':
        return 'R(2+1)D'
    raise RecordError(f'{cfg.filename}: no model family for a {model} with '
                      f'a {backbone}.')


def saved_config(work_dir: str, config: str) -> str:
    """The copy of ``config`` that MMEngine saved in ``work_dir``."""
    return osp.join(work_dir, osp.basename(config))


def check_work_dir(work_dir: str, config: str, cfg: Config) -> None:
    """Refuse a work dir trained with other settings than ``cfg`` (by the
    config MMEngine saved in it); a new work dir passes."""
    saved = saved_config(work_dir, config)
    if osp.isfile(saved) and config_digest(
            Config.fromfile(saved)) != config_digest(cfg):
        raise RecordError(
            f'{work_dir} was trained with other settings than {config} '
            '(model, data pipelines, optimizer or schedule differ): run it '
            'with the config it was trained with, or in another work dir.')


def training_sessions(work_dir: str) -> List[str]:
    """Session folders (``WORK/TIMESTAMP``) that trained, oldest first:
    those whose scalars hold training iterations."""
    sessions = []
    for scalars in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(scalars) as f:
            if any('"iter"' in line for line in f):
                sessions.append(osp.dirname(osp.dirname(scalars)))
    if not sessions:
        raise RecordError(f'{work_dir} holds no training log '
                          '(TIMESTAMP/vis_data/scalars.json).')
    return sessions


def session_log(session: str) -> str:
    """The log file of a session folder."""
    return osp.join(session, osp.basename(session) + '.log')


def session_seconds(session: str) -> float:
    """Time from the first to the last line of a session's log."""
    times = []
    with open(session_log(session)) as f:
        for line in f:
            match = LOG_TIME.match(line)
            if match:
                times.append(
                    datetime.strptime(match.group(1), '%Y/%m/%d %H:%M:%S'))
    if len(times) < 2:
        raise RecordError(f'{session_log(session)} has no timestamped lines.')
    return (times[-1] - times[0]).total_seconds()


def machine() -> str:
    """The GPUs, or the CPU, of this machine, in words."""
    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        return f'{count}x {torch.cuda.get_device_name(0)}'
    model = platform.processor() or platform.machine()
    if osp.isfile('/proc/cpuinfo'):
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    return f'{os.cpu_count()}-core CPU ({model}), no GPU'


def sha256(path: str) -> str:
    """SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def shown(path: str) -> str:
    """``path`` relative to the current folder when it lies in it, as
    records show paths."""
    full = osp.abspath(path)
    inside = full.startswith(os.getcwd() + os.sep)
    return osp.relpath(full) if inside else path


def write_record(record_dir: str, config: str, work_dir: str,
                 checkpoint: str, splits: Sequence[str], name: str,
                 model: str, data: Dict[str, Any],
                 commands: List[str]) -> dict:
    """Write ``run.json`` of a trained work dir into ``record_dir`` (which
    holds ``{split}.csv`` of each split already), and copy the training
    scalars there.

    Args:
        record_dir (str): The record folder.
        config (str): The config file, as the record names it.
        work_dir (str): The work dir it was trained in; its saved config
            gives the settings.
        checkpoint (str): The checkpoint that was evaluated.
        splits (Sequence[str]): The evaluated splits.
        name (str): The name of the record.
        model (str): The model's name in tables.
        data (dict): ``name``, ``root`` and ``command`` of the data.
        commands (list[str]): The commands that do what the run did.

    Returns:
        dict: What ``run.json`` holds.
    """
    saved = saved_config(work_dir, config)
    cfg = Config.fromfile(saved)
    try:
        frames, size = clip_shape(cfg) or (None, None)
        audio = audio_shape(cfg)
    except ValueError as e:
        raise RecordError(str(e)) from None
    sessions = training_sessions(work_dir)
    if osp.abspath(record_dir) != osp.abspath(work_dir):
        for session in sessions:
            target = osp.join(record_dir, osp.basename(session), 'vis_data')
            os.makedirs(target, exist_ok=True)
            shutil.copy(osp.join(session, 'vis_data', 'scalars.json'), target)
    complexity = analyse(saved, frames, size)
    run = dict(
        name=name,
        model=model,
        collection=model_family(cfg),
        config=config,
        config_digest=config_digest(cfg),
        frames=frames,
        input_size=None if size is None else list(size),
        audio_input=None if audio is None else list(audio),
        params=complexity.params,
        flops=complexity.flops,
        epochs=cfg.train_cfg.max_epochs,
        data=data,
        machine=machine(),
        train_seconds=sum(session_seconds(s) for s in sessions),
        checkpoint=dict(path=shown(checkpoint), sha256=sha256(checkpoint)),
        train_log=[shown(session_log(s)) for s in sessions],
        splits=list(splits),
        commands=commands)
    with open(osp.join(record_dir, RECORD_FILE), 'w') as f:
        json.dump(run, f, indent=1)
        f.write('\n')
    return run


def read_record(record_dir: str) -> Tuple[dict, Dict[str, Predictions]]:
    """``run.json`` of a record and the predictions of each of its
    splits."""
    with open(osp.join(record_dir, RECORD_FILE)) as f:
        run = json.load(f)
    return run, {
        split: read_predictions(osp.join(record_dir, f'{split}.csv'))
        for split in run['splits']
    }


def target_scores(predictions: Predictions) -> Dict[str, Dict[str, float]]:
    """:func:`~emovid_mm.evaluation.regression_scores` of each target."""
    return {
        target: regression_scores(predictions.pred[:, i],
                                  predictions.true[:, i],
                                  predictions.variance[:, i])
        for i, target in enumerate(predictions.targets)
    }
