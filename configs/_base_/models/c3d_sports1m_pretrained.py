# C3D as pretrained on Sports-1M: MMAction2's C3D without batch norm (with
# the convolutions' biases), made for 16 x 112 x 112 clips, through C3DFlex,
# which at that size is MMAction2's C3D exactly (same outputs and state
# dict) and also takes the tests' smaller frames. When the model is
# initialised, the backbone loads MMAction2's Sports-1M checkpoint
# (conv1a-conv5b, fc6, fc7); fc7's 4096 features go to the emotion
# regression head. Frames are normalised as in MMAction2's config that
# fine-tunes this checkpoint on UCF101: RGB minus 104, 117, 128, std 1.
_base_ = ['./emotion_regressor.py']
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='C3DFlex',
        pretrained=  # noqa: E251
        'https://download.openmmlab.com/mmaction/recognition/c3d/c3d_sports1m_pretrain_20201016-dcc47ddc.pth',  # noqa: E501
        norm_cfg=None,
        dropout_ratio=0.5,
        init_std=0.005),
    cls_head=dict(in_channels=4096),
    data_preprocessor=dict(
        mean=[104, 117, 128], std=[1, 1, 1], format_shape='NCTHW'))
