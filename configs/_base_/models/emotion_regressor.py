# What every model here shares: the emotion regression head (valence and
# arousal, MSE, dropout 0.5, outputs centred on 3.0, the middle of
# LIRIS-ACCEDE's 1-5 scale) and ImageNet normalisation of the frames. A model
# base adds the recognizer, the backbone, the head's in_channels and the
# input format.
model = dict(
    cls_head=dict(
        type='EmotionRegressionHead',
        targets=('valence', 'arousal'),
        dropout_ratio=0.5,
        output_offset=3.0,
        loss=dict(type='EmotionMSELoss')),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375]))
