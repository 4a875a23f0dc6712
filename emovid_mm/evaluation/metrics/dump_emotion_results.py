from typing import Dict, List, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from ..prediction_file import Predictions, check_suffix, write_predictions
from .emotion_regression_metric import target_names


@METRICS.register_module()
class DumpEmotionResults(BaseMetric):
    """Write one row per clip: its id, name, film, and for each target the
    truth, the prediction and the annotated variance.

    The format is that of :mod:`emovid_mm.evaluation.prediction_file`
    (columns ``video_id, name, film``, then ``{t}_true, {t}_pred,
    {t}_variance`` for each target ``t``); read it back with
    :func:`~emovid_mm.evaluation.read_predictions` or pandas.

    Args:
        out_file_path (str): Output file, ending in ``.csv`` or ``.json``.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
    """

    default_prefix = ''

    def __init__(self, out_file_path: str, collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device)
        check_suffix(out_file_path)
        self.out_file_path = out_file_path

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append({
                'video_id': int(sample['video_id']),
                'name': sample.get('name', ''),
                'film': sample.get('film', ''),
                'true': sample['gt_values'].cpu().numpy().tolist(),
                'pred': sample['pred_values'].cpu().numpy().tolist(),
                'variance': sample['gt_variances'].cpu().numpy().tolist(),
            })

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        predictions = Predictions(
            targets=target_names(self.dataset_meta, len(results[0]['pred'])),
            video_id=np.array([r['video_id'] for r in results]),
            name=[r['name'] for r in results],
            film=[r['film'] for r in results],
            true=np.array([r['true'] for r in results]),
            pred=np.array([r['pred'] for r in results]),
            variance=np.array([r['variance'] for r in results]))
        write_predictions(self.out_file_path, predictions)
        MMLogger.get_current_instance().info(
            f'Wrote {len(results)} predictions to {self.out_file_path}.')
        return {}
