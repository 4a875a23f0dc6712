# The generated LIRIS-ACCEDE-shaped data for the 3D CNNs (C3D, R(2+1)D): one
# clip of 8 consecutive frames at 5 fps, as in liris_accede_consecutive.py,
# at 112x112 as in liris_synthetic.py.
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_synthetic'
targets = ('valence', 'arousal')
# The splits of the real data (liris_accede.py).
splits = dict(train=[0], val=[2], test=[1])

train_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=1,
        clip_len=8,
        target_fps=5),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(112, 112),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=1,
        clip_len=8,
        target_fps=5,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(112, 112),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCTHW'),
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
