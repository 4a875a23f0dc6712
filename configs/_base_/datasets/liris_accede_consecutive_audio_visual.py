# LIRIS-ACCEDE for the 3D CNNs (liris_accede_consecutive.py: one clip of
# 8 consecutive frames at 5 fps, 224x224) with the clip's sound as in
# liris_accede_audio_visual.py. The sound covers the whole clip, not only the
# frames' 1.6 s: the labels rate the whole clip, and every model hears the
# same 8 windows.
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_accede'
targets = ('valence', 'arousal')
# The paper's switched splits, as in liris_accede.py.
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
        scale=(224, 224),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=64),
    dict(type='SegmentSampleMel', num_segments=8, segment_frames=96),
    dict(type='PackEmotionInputs', collect_keys=('imgs', 'audio_mel'))
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
        scale=(224, 224),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=64),
    dict(
        type='SegmentSampleMel',
        num_segments=8,
        segment_frames=96,
        test_mode=True),
    dict(type='PackEmotionInputs', collect_keys=('imgs', 'audio_mel'))
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
