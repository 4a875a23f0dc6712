# TSN with MMAction2's ResNet-50, trained from scratch as in the paper, with
# the emotion regression head (average consensus over the segments).
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=50, pretrained=None, norm_eval=False),
    cls_head=dict(
        type='EmotionRegressionHead',
        in_channels=2048,
        targets=('valence', 'arousal'),
        dropout_ratio=0.5,
        output_offset=3.0,
        loss=dict(type='EmotionMSELoss')),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
