# The CPU demo: TSN with a ResNet-18 on the generated LIRIS-ACCEDE-shaped data
# (`python tools/data/make_synthetic_liris.py`), 8 segments at 5 fps as in
# the paper but 112x112 frames, Adam, 12 epochs; about 5 minutes on 2 cores.
# A single-frame model like TSN can learn valence (it is in the colours) but
# not arousal (it is in the motion), see README.md.
_base_ = ['./tsn_liris.py']

data_root = 'data/liris_synthetic'
input_size = (112, 112)


def _small(pipeline):
    return [
        dict(t, scale=input_size) if t['type'] == 'Resize' else t
        for t in pipeline
    ]


train_pipeline = _small(_base_.train_pipeline)
test_pipeline = _small(_base_.test_pipeline)
train_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))

model = dict(
    backbone=dict(depth=18),
    cls_head=dict(in_channels=512, dropout_ratio=0.2))

train_cfg = dict(max_epochs=12)
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3))
param_scheduler = [
    dict(type='MultiStepLR', milestones=[8], gamma=0.1, by_epoch=True)
]
default_hooks = dict(logger=dict(interval=4))
