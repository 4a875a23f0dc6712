# TSN with MMAction2's ResNet-50, trained from scratch as in the paper, with
# the emotion regression head (average consensus over the segments).
_base_ = ['./emotion_regressor.py']
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=50, pretrained=None, norm_eval=False),
    cls_head=dict(in_channels=2048),
    data_preprocessor=dict(format_shape='NCHW'))
