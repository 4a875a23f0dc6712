"""Refuse to train on clips or films of the validation or test split."""
import copy
import os.path as osp
from typing import Dict, Iterable, List, Set, Tuple

from mmaction.registry import DATASETS, HOOKS
from mmengine.dataset import BaseDataset
from mmengine.hooks import Hook
from mmengine.runner import Runner


class SplitLeakError(ValueError):
    """The training split shares clips or films with an evaluation split."""


def _clips(dataset: BaseDataset) -> Dict[str, dict]:
    """The data info of each clip of ``dataset`` (dataset wrappers
    included), by the real path of its file."""
    dataset.full_init()
    clips = {}
    for idx in range(len(dataset)):
        info = dataset.get_data_info(idx)
        if 'filename' in info:
            clips[osp.realpath(info['filename'])] = info
    return clips


def _films(clips: Dict[str, dict]) -> Set[Tuple[str, str]]:
    """The (clip folder, film name) of the clips: films of two datasets are
    not the same."""
    return {(osp.dirname(path), info['film'])
            for path, info in clips.items() if info.get('film')}


def _without_pipelines(cfg: dict) -> dict:
    """A dataset config whose datasets (wrapped ones included) have an empty
    pipeline, so that building it reads the annotations only."""
    cfg = copy.deepcopy(cfg)
    stack = [cfg]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if 'pipeline' in node:
                node['pipeline'] = []
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return cfg


def _set_ids(infos: Iterable[dict]) -> List[int]:
    return sorted({info['set_id'] for info in infos if 'set_id' in info})


@HOOKS.register_module()
class SplitLeakCheckHook(Hook):
    """Stop a training run whose training split shares a clip or a film with
    its validation or test split, naming the shared set ids and films.

    Runs before the first training iteration, on every rank, with the
    datasets the runner built for training and validation; the test split is
    read from ``test_dataloader`` in the config (annotations only). Clips
    are the same when their files are; films when they have the same name
    in the same clip folder. The validation and test splits may overlap (a
    config may validate on its test split); only the training split must
    be disjoint from both. Evaluating a checkpoint on the training split
    (``tools/test.py --split train``) trains nothing, so is not checked.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner: Runner) -> None:
        train = _clips(runner.train_dataloader.dataset)
        others = {}
        if runner.val_loop is not None:
            others['validation'] = _clips(runner.val_dataloader.dataset)
        test_loader = runner.cfg.get('test_dataloader')
        if test_loader:
            others['test'] = _clips(
                DATASETS.build(_without_pipelines(test_loader['dataset'])))
        problems = [
            problem for problem in (self._leak(train, name, clips)
                                    for name, clips in others.items())
            if problem
        ]
        if problems:
            raise SplitLeakError('\n'.join(problems))

    @staticmethod
    def _leak(train: Dict[str, dict], name: str,
              other: Dict[str, dict]) -> str:
        """What ``train`` shares with the ``name`` split, or ``''``."""
        clips = sorted(train.keys() & other.keys())
        films = sorted(_films(train) & _films(other))
        if not clips and not films:
            return ''
        return (
            f'The training split (set ids {_set_ids(train.values())}) shares '
            f'{len(clips)} clip(s) (of set ids '
            f'{_set_ids(train[path] for path in clips)}) and {len(films)} '
            f'film(s) with the {name} split (set ids '
            f'{_set_ids(other.values())}): films '
            f'{[film for _, film in films]}, clips e.g. '
            f'{[osp.basename(path) for path in clips[:5]]}. The {name} '
            'scores would be measured on what the model was trained on. Give '
            'the training split (`train_dataloader.dataset.split`) set ids '
            'of its own.')
