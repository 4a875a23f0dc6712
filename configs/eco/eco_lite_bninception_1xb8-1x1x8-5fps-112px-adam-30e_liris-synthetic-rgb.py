# ECO Lite from scratch on the generated LIRIS-ACCEDE-shaped data, on a CPU:
# the paper's sampling (8 segments at 5 fps) at 112x112 (random crops of
# 128x128 frames, flipped half the time), Adam at 1e-4 for 30 epochs.
# The benchmark of ECO learning arousal (carried by motion) besides valence
# (carried by colour); see model_zoo.md for the data, the command and the
# numbers.
_base_ = [
    '../_base_/models/eco_lite.py', '../_base_/datasets/liris_synthetic.py',
    '../_base_/schedules/adam_lr1e-3_step8_12e.py',
    '../_base_/default_runtime.py'
]

crop_size = 112
# Crops keep the frame scale, so motion speed (arousal) is unchanged.
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=8, target_fps=5),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(128, 128), keep_ratio=False),
    dict(type='RandomCrop', size=crop_size),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=8, target_fps=5,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(128, 128), keep_ratio=False),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

train_cfg = dict(max_epochs=30)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', milestones=[25], gamma=0.1, by_epoch=True)
]
default_hooks = dict(logger=dict(interval=20))
