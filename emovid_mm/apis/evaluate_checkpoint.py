"""Evaluate a checkpoint on a split, in this process, as ``tools/test.py``
does."""
import os.path as osp
import tempfile
from typing import Dict, Optional, Tuple

from mmengine.config import Config
from mmengine.runner import Runner

from ..evaluation import Predictions, read_predictions
from ..utils.config import apply_test_options, prepare_config


def evaluate_checkpoint(
        config: str,
        checkpoint: str,
        split: str = 'test',
        data_root: Optional[str] = None,
        work_dir: Optional[str] = None,
        cfg_options: Optional[dict] = None,
        dump: Optional[str] = None) -> Tuple[Dict[str, float], Predictions]:
    """Test ``checkpoint`` on a split of the config's dataset with MMEngine's
    ``Runner``: ``tools/test.py CONFIG CHECKPOINT --split SPLIT --dump DUMP``
    with the same ``--data-root``, ``--work-dir`` and ``--cfg-options``.

    Args:
        config (str): The config file.
        checkpoint (str): The checkpoint file.
        split (str): The split (``train``, ``val``, ``test``).
        data_root (str, optional): The dataset folder.
        work_dir (str, optional): Where the logs and metrics go; default
            ``work_dirs/<config name>``.
        cfg_options (dict, optional): Settings to override, as
            ``--cfg-options`` gives them.
        dump (str, optional): Also keep the predictions in this ``.csv`` or
            ``.json`` file.

    Returns:
        tuple: The metrics (``{target}/{score}``, as logged) and the per-clip
        predictions, in the order of the dataset.
    """
    cfg = prepare_config(
        Config.fromfile(config), config, work_dir, data_root, cfg_options,
        'none')
    # MMEngine gives runners of one name, started in the same second, one
    # logger and visualizer: this one's are not those of the training.
    cfg.experiment_name = (
        f'{osp.splitext(osp.basename(config))[0]}_test_{split}')
    with tempfile.TemporaryDirectory() as tmp:
        out = dump or osp.join(tmp, f'{split}.csv')
        metrics = Runner.from_cfg(
            apply_test_options(cfg, checkpoint, split, out)).test()
        return metrics, read_predictions(out)
