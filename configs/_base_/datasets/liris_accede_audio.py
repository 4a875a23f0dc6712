# LIRIS-ACCEDE's sound alone: the audio track of the whole clip (its length
# from DecordInit; no frame is decoded), mono at 16 kHz, a log-mel
# spectrogram (512-point STFT every 10 ms, 64 mels), cut into 8 segments with
# one window of 96 mel frames (0.96 s) per segment, at a random place in
# training and centred in testing, as liris_accede_audio_visual.py. A clip
# without usable sound is an error naming it.
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_accede'
targets = ('valence', 'arousal')
# The paper trained on the official test set (set 0: 4,900 clips, 80 films)
# and tested on the official learning set (set 1: 2,450 clips, 40 films): it
# switched them. Set 2 (validation) stays the validation split.
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
