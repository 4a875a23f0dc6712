# ECO Full: ECO Lite plus a 2D branch, the rest of BN-Inception (inception_4a
# to 5b) on each frame's inception_3c output, pooled and averaged over the
# frames; the 512 3D and 1024 2D features are concatenated for the head.
_base_ = ['./eco_lite.py']
model = dict(
    backbone=dict(last_stage='inception_3c', eco_tap=True),
    backbone_2d=dict(type='BNInception', first_stage='inception_4a'),
    cls_head=dict(in_channels=512 + 1024))
