# R(2+1)D-18 (r2plus1d_r18.py) and AudioCNN (tsn_audiocnn.py) fused: the 512
# pooled features of the clip and the 256 audio features averaged over the
# log-mel segments are concatenated for the emotion regression head. Frames
# with ImageNet normalisation as (N, 1, C, T, H, W), log-mel stacked as it
# is; modality dropout as in eco_lite_audiocnn.py.
_base_ = ['./emotion_regressor.py']
model = dict(
    type='RecognizerAudioVisual',
    visual=dict(
        type='Recognizer3D',
        backbone=dict(
            type='ResNet2Plus1d',
            depth=18,
            pretrained=None,
            pretrained2d=False,
            norm_eval=False,
            conv_cfg=dict(type='Conv2plus1d'),
            norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
            conv1_kernel=(3, 7, 7),
            conv1_stride_t=1,
            pool1_stride_t=1,
            inflate=(1, 1, 1, 1),
            spatial_strides=(1, 2, 2, 2),
            temporal_strides=(1, 2, 2, 2),
            zero_init_residual=False)),
    audio_backbone=dict(type='AudioCNN', n_mels=64),
    modality_dropout=0.25,
    cls_head=dict(in_channels=512 + 256),
    data_preprocessor=dict(
        _delete_=True,
        type='MultiModalDataPreprocessor',
        preprocessors=dict(
            imgs=dict(
                type='ActionDataPreprocessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                format_shape='NCTHW'),
            audio_mel=dict(type='ActionDataPreprocessor',
                           format_shape='NCHW'))))
