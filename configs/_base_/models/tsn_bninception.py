# TSN as in the paper: BN-Inception on each of the segments' frames, from
# scratch, average consensus, then the emotion regression head.
_base_ = ['./bninception_input.py']
model = dict(
    type='Recognizer2D',
    backbone=dict(type='BNInception'),
    cls_head=dict(in_channels=1024))
