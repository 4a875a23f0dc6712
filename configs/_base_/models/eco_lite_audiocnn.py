# ECO Lite (eco_lite.py) and AudioCNN (tsn_audiocnn.py) fused: the 512 pooled
# 3D features of the frames and the 256 audio features averaged over the
# log-mel segments are concatenated for the emotion regression head. Frames
# in BN-Inception's Caffe convention (bninception_input.py), log-mel stacked
# as it is.
# Modality dropout: in training a quarter of the samples lose one branch
# (each branch 1 in 8), so that either branch alone still predicts (a video
# without sound, a sound-driven clip with uninformative frames) while three
# quarters of the samples train the fusion.
_base_ = ['./emotion_regressor.py']
model = dict(
    type='RecognizerAudioVisual',
    visual=dict(
        type='RecognizerECO',
        num_segments=8,
        backbone=dict(
            type='BNInception', last_stage='inception_3c_double_3x3_1'),
        backbone_3d=dict(type='ECOResNet3d', in_channels=96)),
    audio_backbone=dict(type='AudioCNN', n_mels=64),
    modality_dropout=0.25,
    cls_head=dict(in_channels=512 + 256),
    data_preprocessor=dict(
        _delete_=True,
        type='MultiModalDataPreprocessor',
        preprocessors=dict(
            imgs=dict(
                type='ActionDataPreprocessor',
                mean=[104, 117, 128],
                std=[1, 1, 1],
                to_rgb=True,
                format_shape='NCHW'),
            audio_mel=dict(type='ActionDataPreprocessor',
                           format_shape='NCHW'))))
