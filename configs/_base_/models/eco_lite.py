# ECO Lite: BN-Inception up to inception_3c's double_3x3_1 (96 x 28 x 28 for
# 224 x 224 frames) on each frame, the frames' maps stacked along time into
# the 3D-ResNet-18 part (res3-res5), averaged, dropout, regression head.
_base_ = ['./bninception_input.py']
model = dict(
    type='RecognizerECO',
    num_segments=8,
    backbone=dict(type='BNInception', last_stage='inception_3c_double_3x3_1'),
    backbone_3d=dict(type='ECOResNet3d', in_channels=96),
    cls_head=dict(in_channels=512))
