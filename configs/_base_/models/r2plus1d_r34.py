# R(2+1)D-34: MMAction2's ResNet2Plus1d exactly as in its R(2+1)D-34
# Kinetics-400 configs (no temporal stride before layer2, then halving time
# in layers 2-4), so that their checkpoints load, with BN3d where they have
# SyncBN (the same tensors): the R(2+1)D-18 base at depth 34. 8 x 224 x 224
# clips give 512 x 1 x 7 x 7 features, averaged by the emotion regression
# head.
_base_ = ['./r2plus1d_r18.py']
model = dict(backbone=dict(depth=34))
