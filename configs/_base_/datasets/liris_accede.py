# LIRIS-ACCEDE as the paper used it: 8 RGB frames per clip, sampled TSN-style
# (one per segment) over the whole clip after downsampling it to 5 fps,
# resized to 224x224 with bilinear interpolation.
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_accede'
targets = ('valence', 'arousal')
# The paper trained on the official test set (set 0: 4,900 clips, 80 films)
# and tested on the official learning set (set 1: 2,450 clips, 40 films): it
# switched them. Set 2 (validation) stays the validation split.
splits = dict(train=[0], val=[2], test=[1])

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=8, target_fps=5),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(224, 224),
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
        scale=(224, 224),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
# For a GPU: decoding is the bottleneck (docs/data.md), so 8 workers per
# process, kept across epochs, each with 2 batches in flight (DataLoader's
# prefetch_factor), into pinned memory.
train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
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
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
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
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
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
