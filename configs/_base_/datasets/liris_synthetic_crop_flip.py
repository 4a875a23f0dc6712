# The generated LIRIS-ACCEDE-shaped data as in liris_synthetic.py (the
# paper's splits, 8 segments at 5 fps), augmented: 112x112 random crops of
# 128x128 frames, flipped half the time, in training; the centre crop in
# testing.
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_synthetic'
targets = ('valence', 'arousal')
# The splits of the real data (liris_accede.py).
splits = dict(train=[0], val=[2], test=[1])

# Crops keep the frame scale, so motion speed (arousal) is unchanged.
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=8, target_fps=5),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(128, 128), keep_ratio=False),
    dict(type='RandomCrop', size=112),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=8,
        target_fps=5,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(128, 128), keep_ratio=False),
    dict(type='CenterCrop', crop_size=112),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        splits=splits,
        targets=targets,
        pipeline=train_pipeline,
        test_mode=False))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        splits=splits,
        targets=targets,
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        splits=splits,
        targets=targets,
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='EmotionRegressionMetric')
test_evaluator = dict(type='EmotionRegressionMetric')
