# The sound of tiny_tsn_audio_liris.py alone, for the inference tests: its
# AudioCNN on 4 log-mel segments of 16 mels x 24 frames of the clip's sound,
# no frames.
_base_ = ['./tiny_tsn_audio_liris.py']

model = dict(
    visual=None,
    cls_head=dict(in_channels=16),
    data_preprocessor=dict(
        preprocessors=dict(
            _delete_=True,
            audio_mel=dict(type='ActionDataPreprocessor',
                           format_shape='NCHW'))))

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=16),
    dict(type='SegmentSampleMel', num_segments=4, segment_frames=24),
    dict(type='PackEmotionInputs', collect_keys=('audio_mel', ))
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=16),
    dict(
        type='SegmentSampleMel',
        num_segments=4,
        segment_frames=24,
        test_mode=True),
    dict(type='PackEmotionInputs', collect_keys=('audio_mel', ))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
