# The generated LIRIS-ACCEDE-shaped data (tools/data/make_synthetic_liris.py),
# read as the real dataset with the paper's splits and 5 fps TSN-style
# sampling, but at 112x112 to suit CPUs.
_base_ = ['./liris_accede.py']

data_root = 'data/liris_synthetic'
input_size = (112, 112)


def _resized(pipeline):
    return [
        dict(t, scale=input_size) if t['type'] == 'Resize' else t
        for t in pipeline
    ]


train_pipeline = _resized(_base_.train_pipeline)
test_pipeline = _resized(_base_.test_pipeline)
train_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
