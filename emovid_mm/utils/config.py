"""Config handling shared by ``tools/train.py`` and ``tools/test.py``."""
import os.path as osp
from typing import Optional

import torch
from mmengine.config import Config


def prepare_config(cfg: Config, config_path: str, work_dir: Optional[str],
                   data_root: Optional[str], cfg_options: Optional[dict],
                   launcher: str) -> Config:
    """Apply ``--data-root``, ``--cfg-options``, ``--work-dir`` and
    ``--launcher``.

    ``--data-root`` replaces the ``data_root`` of the datasets of all
    dataloaders; ``--cfg-options`` are applied after it.

    The work dir defaults to ``work_dirs/<config name>``, as in MMAction2.
    Without a GPU, distributed runs use the ``gloo`` backend instead of the
    configured one (usually ``nccl``, which needs GPUs).
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
    if launcher != 'none' and not torch.cuda.is_available():
        cfg.env_cfg.setdefault('dist_cfg', dict()).backend = 'gloo'
    return cfg
