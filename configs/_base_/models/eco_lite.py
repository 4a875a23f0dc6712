# ECO Lite: BN-Inception up to inception_3c's double_3x3_1 (96 x 28 x 28 for
# 224 x 224 frames) on each frame, the frames' maps stacked along time into
# the 3D-ResNet-18 part (res3-res5), averaged, dropout, regression head.
model = dict(
    type='RecognizerECO',
    num_segments=8,
    backbone=dict(type='BNInception', last_stage='inception_3c_double_3x3_1'),
    backbone_3d=dict(type='ECOResNet3d', in_channels=96),
    cls_head=dict(
        type='EmotionRegressionHead',
        in_channels=512,
        targets=('valence', 'arousal'),
        dropout_ratio=0.5,
        output_offset=3.0,
        loss=dict(type='EmotionMSELoss')),
    # BN-Inception's Caffe convention (BGR, 0-255 minus the mean), so that
    # ImageNet BN-Inception or Kinetics ECO weights apply as they are.
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[104, 117, 128],
        std=[1, 1, 1],
        to_rgb=True,
        format_shape='NCHW'))
