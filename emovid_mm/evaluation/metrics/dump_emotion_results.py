import csv
import json
import os
import os.path as osp
from typing import Dict, List, Sequence

from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from .emotion_regression_metric import target_names


@METRICS.register_module()
class DumpEmotionResults(BaseMetric):
    """Write one row per clip: its id, name, film, and for each target the
    truth, the prediction and the annotated variance.

    Columns: ``video_id, name, film``, then ``{t}_true, {t}_pred,
    {t}_variance`` for each target ``t`` in the dataset's order. A ``.csv``
    file is comma-separated with a header (``pandas.read_csv``); a ``.json``
    file is a list of such records (``pandas.read_json``).

    Args:
        out_file_path (str): Output file, ending in ``.csv`` or ``.json``.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
    """

    default_prefix = ''

    def __init__(self, out_file_path: str, collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device)
        if not out_file_path.endswith(('.csv', '.json')):
            raise ValueError('The dump file must end in .csv or .json, got '
                             f'{out_file_path!r}.')
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
        names = target_names(self.dataset_meta, len(results[0]['pred']))
        records = []
        for r in results:
            record = {k: r[k] for k in ('video_id', 'name', 'film')}
            for i, name in enumerate(names):
                record[f'{name}_true'] = r['true'][i]
                record[f'{name}_pred'] = r['pred'][i]
                record[f'{name}_variance'] = r['variance'][i]
            records.append(record)
        os.makedirs(osp.dirname(osp.abspath(self.out_file_path)),
                    exist_ok=True)
        with open(self.out_file_path, 'w', newline='') as f:
            if self.out_file_path.endswith('.json'):
                json.dump(records, f, indent=1)
            else:
                writer = csv.DictWriter(f, fieldnames=list(records[0]))
                writer.writeheader()
                writer.writerows(records)
        MMLogger.get_current_instance().info(
            f'Wrote {len(records)} predictions to {self.out_file_path}.')
        return {}
