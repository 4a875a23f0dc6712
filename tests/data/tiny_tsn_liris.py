# The demo config shrunk for the tests: 4 segments of 32x32 frames, batches
# of 4, no worker processes, 2 epochs.
_base_ = ['../../configs/demo_liris.py']

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=4, target_fps=5),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(32, 32),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=4,
        target_fps=5,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(32, 32),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(pipeline=test_pipeline))

train_cfg = dict(max_epochs=2)
default_hooks = dict(logger=dict(interval=1))
