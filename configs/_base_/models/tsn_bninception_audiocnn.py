# TSN (tsn_bninception.py) and AudioCNN (tsn_audiocnn.py) fused: the 1024
# BN-Inception features averaged over the segments' frames and the 256 audio
# features averaged over the log-mel segments are concatenated for the
# emotion regression head. Frames in BN-Inception's Caffe convention
# (bninception_input.py), log-mel stacked as it is; modality dropout as in
# eco_lite_audiocnn.py.
_base_ = ['./emotion_regressor.py']
model = dict(
    type='RecognizerAudioVisual',
    visual=dict(type='Recognizer2D', backbone=dict(type='BNInception')),
    audio_backbone=dict(type='AudioCNN', n_mels=64),
    modality_dropout=0.25,
    cls_head=dict(in_channels=1024 + 256),
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
