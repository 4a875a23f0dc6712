from typing import Optional, Sequence

from mmaction.datasets.transforms import PackActionInputs
from mmaction.registry import TRANSFORMS
from mmcv.transforms import to_tensor
from mmengine.utils import is_seq_of


@TRANSFORMS.register_module()
class PackEmotionInputs(PackActionInputs):
    """Pack frames and/or audio and float valence/arousal targets for the
    model.

    The inputs are packed as by MMAction2's ``PackActionInputs``: the frames
    ``imgs`` as a tensor, or with ``collect_keys`` a dict ``{key: tensor}``
    of those keys (``('imgs', 'audio_mel')`` for audio-visual models,
    ``('audio_mel',)`` for audio-only ones). The targets go to data-sample
    fields of their own, ``gt_values`` and ``gt_variances`` (float tensors
    of shape ``(num_targets,)``), so that nothing reaches MMAction2's
    classification label (``gt_labels`` in 1.1, ``gt_label`` in 1.2), which
    would cast them to integers. ``audio_missing`` (from
    ``ClipAudioDecode``) is in the default ``meta_keys``, copied like the
    others only when present.

    Args:
        collect_keys (Sequence[str], optional): Keys packed into a dict of
            inputs; ``None`` packs ``imgs`` alone.
        meta_keys (Sequence[str]): Keys copied into the sample's metainfo.
    """

    def __init__(
        self,
        collect_keys: Optional[Sequence[str]] = None,
        meta_keys: Sequence[str] = ('img_shape', 'video_id', 'name', 'film',
                                    'filename', 'audio_missing')
    ) -> None:
        assert collect_keys is None or (is_seq_of(collect_keys, str)
                                        and len(collect_keys) > 0)
        assert is_seq_of(meta_keys, str)
        super().__init__(
            collect_keys=None if collect_keys is None else tuple(collect_keys),
            meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        missing = [k for k in self.collect_keys or () if k not in results]
        if missing:
            raise KeyError(
                f'{results.get("filename", "clip")}: PackEmotionInputs '
                f'collects {list(self.collect_keys)} but the pipeline gave no '
                f'{missing}. Add the steps that make them (DecordDecode and '
                'FormatShape for imgs; ClipAudioDecode, LogMelSpectrogram and '
                'SegmentSampleMel for audio_mel) or drop them from '
                'collect_keys.')
        packed = super().transform(results)
        sample = packed['data_samples']
        for key in ('gt_values', 'gt_variances'):
            if key in results:
                sample.set_field(to_tensor(results[key]).float(), key)
        return packed
