# ECO Full (eco_full.py) and AudioCNN fused: the 512 3D and 1024 2D features
# of the frames and the 256 audio features are concatenated for the emotion
# regression head; modality dropout as in eco_lite_audiocnn.py.
_base_ = ['./eco_lite_audiocnn.py']
model = dict(
    visual=dict(
        backbone=dict(last_stage='inception_3c', eco_tap=True),
        backbone_2d=dict(type='BNInception', first_stage='inception_4a')),
    cls_head=dict(in_channels=512 + 1024 + 256))
