"""evaluate_checkpoint: the metrics and predictions of tools/test.py, in
this process."""
import pytest
from conftest import CONFIG, TIMINGS, metrics_json, run
from mmaction.registry import DATASETS
from mmengine.config import Config

from emovid_mm.apis import evaluate_checkpoint
from emovid_mm.evaluation import read_predictions


@pytest.mark.slow
def test_predictions_are_those_tools_test_dumps(trained, tiny_liris,
                                                tmp_path):
    work_dir, _ = trained
    checkpoint = str(work_dir / 'epoch_2.pth')
    tool_dump = tmp_path / 'tool.csv'
    run('tools/test.py', CONFIG, checkpoint, '--data-root', str(tiny_liris),
        '--split', 'train', '--dump', str(tool_dump), '--work-dir',
        str(tmp_path / 'tool'))

    metrics, predictions = evaluate_checkpoint(
        CONFIG,
        checkpoint,
        'train',
        data_root=str(tiny_liris),
        work_dir=str(tmp_path / 'api'),
        dump=str(tmp_path / 'api.csv'))
    assert (tmp_path / 'api.csv').read_text() == tool_dump.read_text()
    assert predictions.records() == read_predictions(str(tool_dump)).records()
    logged = metrics_json(tmp_path / 'tool')
    assert metrics == pytest.approx(
        {k: v for k, v in logged.items() if k not in TIMINGS})

    # the training split (8 clips), in the dataset's order
    dataset = DATASETS.build(
        dict(
            Config.fromfile(CONFIG).test_dataloader.dataset,
            data_root=str(tiny_liris),
            split='train'))
    assert predictions.video_id.tolist() == [
        dataset.get_data_info(i)['video_id'] for i in range(len(dataset))
    ]
    assert len(predictions.video_id) == 8


@pytest.mark.slow
def test_without_dump_the_predictions_are_returned_only(
        trained, tiny_liris, tmp_path):
    work_dir, _ = trained
    metrics, predictions = evaluate_checkpoint(
        CONFIG,
        str(work_dir / 'epoch_2.pth'),
        data_root=str(tiny_liris),
        work_dir=str(tmp_path / 'work'))
    assert len(predictions.video_id) == 4  # the test split
    assert predictions.targets == ['valence', 'arousal']
    assert set(metrics) >= {'valence/mse', 'arousal/pearson_r'}
    assert not list(tmp_path.rglob('*.csv'))
