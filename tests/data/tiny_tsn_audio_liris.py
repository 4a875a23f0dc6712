# tests/data/tiny_tsn_liris.py with sound, for the inference tests: its TSN
# (ResNet-18 on 4 segments of 32x32 frames) fused with a tiny AudioCNN on 4
# log-mel segments of 16 mels x 24 frames (0.24 s) of the window's sound.
_base_ = ['./tiny_tsn_liris.py']

model = dict(
    _delete_=True,
    type='RecognizerAudioVisual',
    visual=dict(
        type='Recognizer2D',
        backbone=dict(
            type='ResNet', depth=18, pretrained=None, norm_eval=False)),
    audio_backbone=dict(type='AudioCNN', n_mels=16, channels=(8, 16)),
    cls_head=dict(
        type='EmotionRegressionHead',
        targets=('valence', 'arousal'),
        in_channels=512 + 16,
        dropout_ratio=0.2,
        output_offset=3.0,
        loss=dict(type='EmotionMSELoss')),
    data_preprocessor=dict(
        type='MultiModalDataPreprocessor',
        preprocessors=dict(
            imgs=dict(
                type='ActionDataPreprocessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                format_shape='NCHW'),
            audio_mel=dict(type='ActionDataPreprocessor',
                           format_shape='NCHW'))))

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=4, target_fps=5),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(32, 32),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=16),
    dict(type='SegmentSampleMel', num_segments=4, segment_frames=24),
    dict(type='PackEmotionInputs', collect_keys=('imgs', 'audio_mel'))
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=4,
        target_fps=5,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(32, 32),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='ClipAudioDecode', sample_rate=16000),
    dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=16),
    dict(
        type='SegmentSampleMel',
        num_segments=4,
        segment_frames=24,
        test_mode=True),
    dict(type='PackEmotionInputs', collect_keys=('imgs', 'audio_mel'))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
