# R(2+1)D-34: MMAction2's ResNet2Plus1d exactly as in its R(2+1)D-34
# Kinetics-400 configs (no temporal stride before layer2, then halving time
# in layers 2-4), so that their checkpoints load, with BN3d where they have
# SyncBN (the same tensors). 8 x 224 x 224 clips give 512 x 1 x 7 x 7
# features, averaged by the emotion regression head.
_base_ = ['./emotion_regressor.py']
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet2Plus1d',
        depth=34,
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
        zero_init_residual=False),
    cls_head=dict(in_channels=512),
    data_preprocessor=dict(format_shape='NCTHW'))
