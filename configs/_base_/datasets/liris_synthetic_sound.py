# The generated LIRIS-ACCEDE-shaped data whose arousal is half caused by the
# sound (`python tools/data/make_synthetic_liris.py --out-dir
# data/liris_synthetic_sound --sound-arousal 0.5`), frames only: as
# liris_synthetic.py (8 frames at 5 fps, 112x112), the visual-only baseline
# of the audio-visual models.
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_synthetic_sound'
targets = ('valence', 'arousal')
# The splits of the real data (liris_accede.py).
splits = dict(train=[0], val=[2], test=[1])

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=8, target_fps=5),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(112, 112),
        keep_ratio=False,
        interpolation='bilinear'),
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
    dict(
        type='Resize',
        scale=(112, 112),
        keep_ratio=False,
        interpolation='bilinear'),
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
