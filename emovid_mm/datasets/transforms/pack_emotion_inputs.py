from typing import Sequence

from mmaction.datasets.transforms import PackActionInputs
from mmaction.registry import TRANSFORMS
from mmengine.utils import is_seq_of
from mmcv.transforms import to_tensor


@TRANSFORMS.register_module()
class PackEmotionInputs(PackActionInputs):
    """Pack frames and float valence/arousal targets for the model.

    The inputs are packed as by MMAction2's ``PackActionInputs``. The targets
    go to data-sample fields of their own, ``gt_values`` and ``gt_variances``
    (float tensors of shape ``(num_targets,)``), so that nothing reaches
    MMAction2's classification label (``gt_labels`` in 1.1, ``gt_label`` in
    1.2), which would cast them to integers.

    Args:
        meta_keys (Sequence[str]): Keys copied into the sample's metainfo.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_shape', 'video_id', 'name',
                                             'film', 'filename')) -> None:
        assert is_seq_of(meta_keys, str)
        super().__init__(meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        sample = packed['data_samples']
        for key in ('gt_values', 'gt_variances'):
            if key in results:
                sample.set_field(to_tensor(results[key]).float(), key)
        return packed
