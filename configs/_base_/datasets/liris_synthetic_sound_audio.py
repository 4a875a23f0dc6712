# The generated data with sound-caused arousal (liris_synthetic_sound.py),
# sound alone as in liris_accede_audio.py (16 kHz, log-mel every 10 ms with
# 64 mels, 8 windows of 96 mel frames; no frame decoded).
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_synthetic_sound'
targets = ('valence', 'arousal')
# The splits of the real data (liris_accede.py).
splits = dict(train=[0], val=[2], test=[1])

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=64),
    dict(type='SegmentSampleMel', num_segments=8, segment_frames=96),
    dict(type='PackEmotionInputs', collect_keys=('audio_mel', ))
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=64),
    dict(
        type='SegmentSampleMel',
        num_segments=8,
        segment_frames=96,
        test_mode=True),
    dict(type='PackEmotionInputs', collect_keys=('audio_mel', ))
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
