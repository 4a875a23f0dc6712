# TSN as in the paper: BN-Inception on each of the segments' frames, from
# scratch, average consensus, then the emotion regression head.
model = dict(
    type='Recognizer2D',
    backbone=dict(type='BNInception'),
    cls_head=dict(
        type='EmotionRegressionHead',
        in_channels=1024,
        targets=('valence', 'arousal'),
        dropout_ratio=0.5,
        output_offset=3.0,
        loss=dict(type='EmotionMSELoss')),
    # BN-Inception's Caffe convention (BGR, 0-255 minus the mean), so that
    # ImageNet BN-Inception weights apply as they are.
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[104, 117, 128],
        std=[1, 1, 1],
        to_rgb=True,
        format_shape='NCHW'))
