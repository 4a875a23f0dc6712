# LIRIS-ACCEDE as in liris_accede.py (8 frames per clip, TSN-style, at 5 fps,
# 224x224), read from a clip store instead of the videos: the clips' frames
# at 5 fps, decoded once and kept as JPEG files by
#   python tools/data/prepare_liris.py data/liris_accede \
#       data/liris_accede/clip_store_5fps --fps 5
# SegmentSampleFrames picks the frames it picks from the videos at 5 fps;
# MMAction2's RawFrameDecode reads them (docs/data.md).
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_accede'
targets = ('valence', 'arousal')
# The paper's switched splits, as in liris_accede.py.
splits = dict(train=[0], val=[2], test=[1])

train_pipeline = [
    dict(type='SegmentSampleFrames', num_segments=8, target_fps=5),
    dict(type='RawFrameDecode'),
    dict(
        type='Resize',
        scale=(224, 224),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(
        type='SegmentSampleFrames',
        num_segments=8,
        target_fps=5,
        test_mode=True),
    dict(type='RawFrameDecode'),
    dict(
        type='Resize',
        scale=(224, 224),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
# The loaders of liris_accede.py. A worker reads a clip from the store in
# about a tenth of the time it takes to decode it from its video
# (docs/data.md).
train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            video='LIRIS-ACCEDE-data/data', store='clip_store_5fps'),
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
        data_prefix=dict(
            video='LIRIS-ACCEDE-data/data', store='clip_store_5fps'),
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
        data_prefix=dict(
            video='LIRIS-ACCEDE-data/data', store='clip_store_5fps'),
        split='test',
        splits=splits,
        targets=targets,
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='EmotionRegressionMetric')
test_evaluator = dict(type='EmotionRegressionMetric')
