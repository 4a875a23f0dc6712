import os.path as osp
import traceback
from typing import Callable, Dict, List, Optional, Sequence, Union

import decord
import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmengine.logging import MMLogger

from .clip_store import load_store, prepare_command, stored_clip
from .liris_accede_annotations import (OFFICIAL_SETS, AnnotationError,
                                       check_label, check_same_clips,
                                       load_films, load_ranking,
                                       load_set_entries)
from .transforms.segment_sample_frames import SegmentSampleFrames
from .video_probe import VideoProbe, probe_videos

TARGETS = ('valence', 'arousal')


class BadClipsError(ValueError):
    """Clips of a split cannot be read or are too short for the sampling."""


def is_decode_error(err: BaseException) -> bool:
    """Whether ``err`` comes from decord failing on a file.

    decord raises ``DECORDError`` when FFmpeg fails in the middle of a file
    and a plain ``RuntimeError`` when it cannot open one; any other error
    (a ``RuntimeError`` of a transform included) is a bug to report.
    """
    if isinstance(err, decord.DECORDError):
        return True
    frames = traceback.extract_tb(err.__traceback__)
    decord_dir = osp.dirname(decord.__file__) + osp.sep
    return (isinstance(err, RuntimeError) and bool(frames)
            and frames[-1].filename.startswith(decord_dir))


def _clip_problem(probe: VideoProbe,
                  samplers: List[SegmentSampleFrames]) -> Optional[str]:
    """What keeps ``samplers`` from sampling the probed clip, if anything:
    the check of :meth:`SegmentSampleFrames.transform` on the probe."""
    if probe.error:
        return f'cannot be read as a video ({probe.error})'
    for sampler in samplers:
        if sampler.target_fps is not None and not probe.fps:
            return (f'has no frame rate to resample to {sampler.target_fps} '
                    'fps')
        found = len(sampler.candidate_frames(probe.frames, probe.fps))
        needed = (1 if sampler.repeat_short else sampler.num_segments *
                  sampler.clip_len)
        if found < needed:
            at = ('' if sampler.target_fps is None else
                  f' at {sampler.target_fps} fps')
            rate = f'{probe.fps:g} fps' if probe.fps else 'no rate'
            return (f'has {found} frames{at} ({probe.frames} at {rate} in '
                    f'the file), fewer than the {needed} of {sampler!r}')
    return None


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
            split is checked to share no film with the other sets (and
            :class:`~emovid_mm.engine.hooks.SplitLeakCheckHook` checks the
            training split against the others before training).
        data_prefix (dict): ``video``: the clip folder, relative to
            ``data_root``; ``store`` (optional): a clip store
            (:mod:`emovid_mm.datasets.clip_store`) to read the clips from
            instead, relative to ``data_root``, see below.
        value_range (Sequence[float]): Allowed label range; LIRIS-ACCEDE's
            scale is 1-5.
        max_skipped_clips (int): In training, a clip that decord fails to
            decode is logged (once) and replaced by a random other clip,
            each time it comes up. Beyond this many distinct such clips per
            data worker the run stops. In testing such a clip always stops
            the run, so that no metric is computed on a subset. Other errors
            of the pipeline always stop the run.
        probe_cache (str, optional): JSON file, relative to ``data_root``,
            caching the frame counts and rates of the clips (see below);
            ``None`` for no cache.
        test_mode (bool): Whether the dataset is for validation or testing.

    When the pipeline has a :class:`SegmentSampleFrames` step, every clip is
    probed when the dataset is built (frame count and rate from the
    container, nothing decoded; :mod:`emovid_mm.datasets.video_probe`), and
    clips that cannot be read, or have fewer frames than the step samples
    after resampling to its ``target_fps``, are all named in one
    :class:`BadClipsError`, in training as in testing.

    With a clip store (``data_prefix['store']``, made by
    ``tools/data/prepare_liris.py``), the videos are not read: each clip gets
    the ``frame_dir``, ``filename_tmpl``, ``offset``, ``total_frames`` and
    ``avg_fps`` of its stored frames, for a pipeline of
    :class:`SegmentSampleFrames` and MMAction2's ``RawFrameDecode``. Clips
    missing from the store are all named when the dataset is built, and the
    :class:`SegmentSampleFrames` steps must sample at the store's frame rate
    (``target_fps`` equal to it, or ``None``), and are checked against the
    stored frame counts as against the videos'.
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
                 probe_cache: Optional[str] = '.clip_probe_cache.json',
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
        self.probe_cache = probe_cache
        #: The settings of the clip store read, if any.
        self.store_settings: Optional[dict] = None
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
        entries = load_set_entries(sets_path)
        check_same_clips(ranking, self.ann_file, entries, sets_path)
        sets = {clip_id: entry.set for clip_id, entry in entries.items()}
        selected = sorted(i for i, s in sets.items() if s in self.set_ids)
        if not selected:
            raise AnnotationError(
                f'No clip of {sets_path} is in set(s) {list(self.set_ids)} '
                f'(split {self.split!r}); the file has sets '
                f'{sorted(set(sets.values()))}.')
        films = {}
        if self.description_file:
            films = load_films(self._resolve(self.description_file))
            self._check_films(selected, sets, films)

        video_dir = self.data_prefix['video']
        store = self.data_prefix.get('store')
        self.store_settings = self._load_store(store) if store else None
        data_list, missing = [], []
        for clip_id in selected:
            ann = ranking[clip_id]
            check_label(ann, self.ann_file, self.value_range)
            filename = osp.join(video_dir, ann.name)
            stored = stored_clip(store, ann.name) if store else None
            if store and stored is None:
                missing.append(ann.name)
            elif not store and not osp.isfile(filename):
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
                    set_id=sets[clip_id],
                    name=ann.name,
                    film=films.get(clip_id, ''),
                    gt_values=np.array([values[t] for t in self.targets],
                                       dtype=np.float32),
                    gt_variances=np.array(
                        [variances[t] for t in self.targets],
                        dtype=np.float32),
                    **(stored or {})))
        if missing and store:
            command = prepare_command(self.data_root, store,
                                      self.store_settings['fps'],
                                      self.store_settings['short_side'])
            raise FileNotFoundError(
                f'{len(missing)} of the {len(selected)} clips of split '
                f'{self.split!r} are missing from the clip store {store}, '
                f'e.g. {missing[:3]}. Store them with `{command}` (it names '
                'the videos it cannot read).')
        if missing:
            raise FileNotFoundError(
                f'{len(missing)} of the {len(selected)} clips of split '
                f'{self.split!r} are missing from {video_dir}, e.g. '
                f'{missing[:3]}. Extract LIRIS-ACCEDE-data.zip into '
                '`data_root` (or fix `data_prefix`).')
        return data_list

    def _samplers(self) -> List[SegmentSampleFrames]:
        return [
            t for t in self.pipeline.transforms
            if isinstance(t, SegmentSampleFrames)
        ]

    def _load_store(self, store: str) -> dict:
        """The settings of the clip store ``store``, which must exist."""
        settings = load_store(store)
        if settings is None:
            rates = [s.target_fps for s in self._samplers() if s.target_fps]
            command = prepare_command(self.data_root, store,
                                      rates[0] if rates else None)
            raise FileNotFoundError(
                f'No clip store in {store} (`data_prefix[\'store\']`). '
                f'Prepare it with `{command}`, or remove `store` from '
                '`data_prefix` to read the videos.')
        return settings

    def _check_films(self, selected: List[int], sets: Dict[int, int],
                     films: Dict[int, str]) -> None:
        """Refuse a split whose films also appear outside it."""
        chosen = set(selected)
        unknown = sorted(chosen - set(films))
        if unknown:
            raise AnnotationError(
                f'{len(unknown)} of the {len(chosen)} clip ids of split '
                f'{self.split!r} are not in '
                f'{self._resolve(self.description_file)}, e.g. '
                f'{unknown[:5]}. Is it the description file of this release?')
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

    def full_init(self) -> None:
        """Load the split (see ``load_data_list``) and check its clips."""
        if self._fully_initialized:
            return
        super().full_init()
        self._check_clips()

    def _check_clips(self) -> None:
        """Refuse clips that cannot be read or are too short for a
        :class:`SegmentSampleFrames` step of the pipeline."""
        samplers = self._samplers()
        if not samplers:
            return
        infos = [self.get_data_info(i) for i in range(len(self))]
        if self.store_settings:
            self._check_store_rate(samplers)
            probes = {
                info['filename']: VideoProbe(info['total_frames'],
                                             info['avg_fps'])
                for info in infos
            }
        else:
            probes = probe_videos(
                [info['filename'] for info in infos],
                self._resolve(self.probe_cache) if self.probe_cache else None)
        problems = []
        for info in infos:
            problem = _clip_problem(probes[info['filename']], samplers)
            if problem:
                problems.append(f'{info["name"]}: {problem}')
        if problems:
            where = self.data_prefix.get('store') or self.data_prefix['video']
            raise BadClipsError(
                f'{len(problems)} of the {len(infos)} clips of split '
                f'{self.split!r} in {where} cannot be '
                'sampled:\n  ' + '\n  '.join(problems) + '\nReplace or '
                're-extract unreadable files; for short clips sample fewer '
                'frames (`num_segments`, `clip_len`) or keep more of them '
                '(`target_fps`).')

    def _check_store_rate(self, samplers: List[SegmentSampleFrames]) -> None:
        """Refuse a sampling at another rate than the clip store's, which
        would not pick the frames it picks from the videos."""
        fps = self.store_settings['fps']
        for sampler in samplers:
            if sampler.target_fps not in (None, fps):
                command = prepare_command(self.data_root, 'NEW_STORE',
                                          sampler.target_fps,
                                          self.store_settings['short_side'])
                raise ValueError(
                    f'The clip store {self.data_prefix["store"]} holds the '
                    f'frames at {fps:g} fps; {sampler!r} samples at '
                    f'{sampler.target_fps} fps. Sample at target_fps={fps:g} '
                    f'(or None), or prepare a store at that rate (`{command}`)'
                    ' and point `data_prefix[\'store\']` at it.')

    def prepare_data(self, idx: int) -> Optional[dict]:
        """Run the pipeline on one clip; see ``max_skipped_clips``.

        Returns ``None`` for a skipped training clip, which makes
        :class:`mmengine.dataset.BaseDataset` fetch another one.
        """
        try:
            return super().prepare_data(idx)
        except Exception as err:
            if not is_decode_error(err):
                raise
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
