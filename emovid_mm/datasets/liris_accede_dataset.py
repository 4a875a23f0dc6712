import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from decord import DECORDError
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmengine.logging import MMLogger

from .liris_accede_annotations import (OFFICIAL_SETS, AnnotationError,
                                       check_label, load_films, load_ranking,
                                       load_sets)
from .transforms.segment_sample_frames import ClipTooShortError

TARGETS = ('valence', 'arousal')
#: Errors that mean "this clip could not be read": decord raises a plain
#: ``RuntimeError`` for a file it cannot open or decode.
CLIP_READ_ERRORS = (DECORDError, RuntimeError, OSError, ClipTooShortError)


@DATASETS.register_module()
class LIRISACCEDEDataset(BaseActionDataset):
    """LIRIS-ACCEDE (discrete) for valence/arousal regression.

    Reads the dataset as its authors distribute it, see
    :mod:`emovid_mm.datasets.liris_accede_annotations` for the file formats
    relied on. The default paths are those of the two archives extracted
    into ``data_root``::

        data_root/
          LIRIS-ACCEDE-data/data/ACCEDE00000.mp4 ...
          LIRIS-ACCEDE-data/ACCEDEdescription.xml
          LIRIS-ACCEDE-annotations/annotations/ACCEDEranking.txt
          LIRIS-ACCEDE-annotations/annotations/ACCEDEsets.txt

    Each sample carries ``gt_values`` and ``gt_variances`` (float32 arrays of
    shape ``(len(targets),)``), the clip ``video_id``, ``name`` and ``film``.

    Args:
        data_root (str): Folder holding the dataset.
        pipeline (list): Data transforms.
        split (str | Sequence[int]): The name of a split in ``splits``, or
            the ``ACCEDEsets.txt`` set ids forming it (``[1, 2]`` is the
            "full learning set").
        splits (dict[str, Sequence[int]]): Named splits as set ids. Defaults
            to the official ones (``learning``: 1, ``validation``: 2,
            ``test``: 0). Named splits must not share a set id, so that a
            train/val/test triple never shares a clip or a film.
        targets (Sequence[str]): ``'valence'``, ``'arousal'`` or both, in the
            order of the model's outputs.
        ann_file (str): The ranking file, relative to ``data_root``.
        sets_file (str): The sets file, relative to ``data_root``.
        description_file (str, optional): ``ACCEDEdescription.xml``, relative
            to ``data_root``. When given, clips get their ``film`` and the
            split is checked to share no film with the other sets.
        data_prefix (dict): ``video``: the clip folder, relative to
            ``data_root``.
        value_range (Sequence[float]): Allowed label range; LIRIS-ACCEDE's
            scale is 1-5.
        max_skipped_clips (int): In training, a clip that cannot be decoded is
            logged (once) and replaced by a random other clip, each time it
            comes up. Beyond this many distinct unreadable clips per data
            worker the run stops. In testing such a clip
            always stops the run, so that no metric is computed on a subset.
        test_mode (bool): Whether the dataset is for validation or testing.
    """

    def __init__(self,
                 data_root: str,
                 pipeline: List[Union[dict, Callable]],
                 split: Union[str, Sequence[int]] = 'learning',
                 splits: Optional[Dict[str, Sequence[int]]] = None,
                 targets: Sequence[str] = TARGETS,
                 ann_file: str = ('LIRIS-ACCEDE-annotations/annotations/'
                                  'ACCEDEranking.txt'),
                 sets_file: str = ('LIRIS-ACCEDE-annotations/annotations/'
                                   'ACCEDEsets.txt'),
                 description_file: Optional[str] = (
                     'LIRIS-ACCEDE-data/ACCEDEdescription.xml'),
                 data_prefix: dict = dict(video='LIRIS-ACCEDE-data/data'),
                 value_range: Sequence[float] = (1.0, 5.0),
                 max_skipped_clips: int = 20,
                 test_mode: bool = False,
                 **kwargs) -> None:
        unknown = [t for t in targets if t not in TARGETS]
        if unknown or not targets or len(set(targets)) != len(targets):
            raise ValueError(f'targets must be distinct names among {TARGETS}'
                             f', got {list(targets)}.')
        self.targets = tuple(targets)
        self.splits = {
            name: tuple(set_ids)
            for name, set_ids in (splits or {
                name: [set_id]
                for name, set_id in OFFICIAL_SETS.items()
            }).items()
        }
        self._check_splits_disjoint()
        if isinstance(split, str):
            if split not in self.splits:
                raise ValueError(f'Unknown split {split!r}; the config '
                                 f'defines {sorted(self.splits)}.')
            self.set_ids = self.splits[split]
        else:
            self.set_ids = tuple(split)
        self.split = split
        self.sets_file = sets_file
        self.description_file = description_file
        self.value_range = tuple(value_range)
        self.max_skipped_clips = max_skipped_clips
        #: Unreadable training clips and how often each was skipped.
        self.skipped_clips: Dict[str, int] = {}
        if not osp.isdir(data_root):
            raise FileNotFoundError(
                f'LIRIS-ACCEDE not found: `data_root` {osp.abspath(data_root)}'
                ' does not exist. Get the dataset from the LIRIS-ACCEDE '
                'website (registration needed) and extract '
                'LIRIS-ACCEDE-data.zip and LIRIS-ACCEDE-annotations.zip into '
                'one folder, or generate LIRIS-ACCEDE-shaped demo data with '
                '`python tools/data/make_synthetic_liris.py --out-dir '
                f'{data_root}`.')
        super().__init__(
            ann_file,
            pipeline=pipeline,
            data_root=data_root,
            data_prefix=data_prefix,
            test_mode=test_mode,
            metainfo=dict(targets=self.targets),
            **kwargs)

    def _check_splits_disjoint(self) -> None:
        owner: Dict[int, str] = {}
        for name, set_ids in self.splits.items():
            for set_id in set_ids:
                if set_id in owner:
                    raise ValueError(
                        f'Set id {set_id} belongs to both split '
                        f'{owner[set_id]!r} and split {name!r}: the splits '
                        'would share clips and films. Give each set id to '
                        'one split only.')
                owner[set_id] = name

    def _resolve(self, path: str) -> str:
        return path if osp.isabs(path) else osp.join(self.data_root, path)

    def load_data_list(self) -> List[dict]:
        """Read the annotation files and select the clips of the split."""
        ranking = load_ranking(self.ann_file)
        sets_path = self._resolve(self.sets_file)
        sets = load_sets(sets_path)
        for extra, here, other in ((set(ranking) - set(sets), self.ann_file,
                                    sets_path),
                                   (set(sets) - set(ranking), sets_path,
                                    self.ann_file)):
            if extra:
                raise AnnotationError(
                    f'{len(extra)} clip id(s) of {here} are missing from '
                    f'{other}, e.g. {sorted(extra)[:5]}. Both files must '
                    'list the same clips.')
        films = (load_films(self._resolve(self.description_file))
                 if self.description_file else {})
        selected = sorted(i for i, s in sets.items() if s in self.set_ids)
        if not selected:
            raise AnnotationError(
                f'No clip of {sets_path} is in set(s) {list(self.set_ids)} '
                f'(split {self.split!r}); the file has sets '
                f'{sorted(set(sets.values()))}.')
        if films:
            self._check_films(selected, sets, films)

        video_dir = self.data_prefix['video']
        data_list, missing = [], []
        for clip_id in selected:
            ann = ranking[clip_id]
            check_label(ann, self.ann_file, self.value_range)
            filename = osp.join(video_dir, ann.name)
            if not osp.isfile(filename):
                missing.append(filename)
            values = {'valence': ann.valence, 'arousal': ann.arousal}
            variances = {
                'valence': ann.valence_variance,
                'arousal': ann.arousal_variance
            }
            data_list.append(
                dict(
                    filename=filename,
                    video_id=clip_id,
                    name=ann.name,
                    film=films.get(clip_id, ''),
                    gt_values=np.array([values[t] for t in self.targets],
                                       dtype=np.float32),
                    gt_variances=np.array(
                        [variances[t] for t in self.targets],
                        dtype=np.float32)))
        if missing:
            raise FileNotFoundError(
                f'{len(missing)} of the {len(selected)} clips of split '
                f'{self.split!r} are missing from {video_dir}, e.g. '
                f'{missing[:3]}. Extract LIRIS-ACCEDE-data.zip into '
                '`data_root` (or fix `data_prefix`).')
        return data_list

    def _check_films(self, selected: List[int], sets: Dict[int, int],
                     films: Dict[int, str]) -> None:
        """Refuse a split whose films also appear outside it."""
        chosen = set(selected)
        unknown = sorted(chosen - set(films))
        if unknown:
            raise AnnotationError(
                f'{len(unknown)} clip id(s) of split {self.split!r} are not '
                f'in {self._resolve(self.description_file)}, e.g. '
                f'{unknown[:5]}.')
        inside = {films[i] for i in chosen}
        shared = sorted(inside & {
            films[i]
            for i in sets if i not in chosen and i in films
        })
        if shared:
            raise AnnotationError(
                f'Split {self.split!r} (sets {list(self.set_ids)}) shares '
                f'film(s) {shared[:5]} with other sets, so a model would be '
                'tested on films it was trained on. Check '
                f'{self._resolve(self.sets_file)}.')

    def prepare_data(self, idx: int) -> Optional[dict]:
        """Run the pipeline on one clip; see ``max_skipped_clips``.

        Returns ``None`` for a skipped training clip, which makes
        :class:`mmengine.dataset.BaseDataset` fetch another one.
        """
        try:
            return super().prepare_data(idx)
        except CLIP_READ_ERRORS as err:
            filename = self.get_data_info(idx)['filename']
            if self.test_mode:
                raise RuntimeError(
                    f'Cannot read clip {filename}: {err}. Evaluation stops '
                    'rather than score a subset of the split; replace or '
                    're-extract the file.') from err
            if filename not in self.skipped_clips:
                MMLogger.get_current_instance().warning(
                    f'Skipping unreadable training clip {filename} ({err}); '
                    f'{len(self.skipped_clips) + 1} clip(s) skipped so far '
                    'in this worker.')
            self.skipped_clips[filename] = (
                self.skipped_clips.get(filename, 0) + 1)
            if len(self.skipped_clips) > self.max_skipped_clips:
                raise RuntimeError(
                    f'{len(self.skipped_clips)} training clips could not be '
                    f'read (more than max_skipped_clips='
                    f'{self.max_skipped_clips}): '
                    f'{sorted(self.skipped_clips)[:10]}. Check the video '
                    'files.') from err
            return None
