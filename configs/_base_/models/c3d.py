# C3D from scratch with batch norm after every convolution, as in the paper:
# MMAction2's C3D through C3DFlex, which takes the paper's 8 x 224 x 224
# clips to C3D's 1 x 4 x 4 grid before fc6 (8192 -> 4096); fc7's 4096
# features go to the emotion regression head.
_base_ = ['./emotion_regressor.py']
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='C3DFlex',
        pretrained=None,
        norm_cfg=dict(type='BN3d'),
        dropout_ratio=0.5,
        init_std=0.005),
    cls_head=dict(in_channels=4096),
    data_preprocessor=dict(format_shape='NCTHW'))
