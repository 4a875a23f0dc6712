# LIRIS-ACCEDE for the paper's 3D CNNs (C3D, R(2+1)D): one clip of
# 8 consecutive frames at 5 fps (1.6 s) per video, from the centre in testing
# and at a random place in training, 224x224, packed as (1, C, T, H, W).
_base_ = ['./liris_accede.py']


def _consecutive(pipeline):
    return [
        dict(t, num_segments=1, clip_len=_base_.num_frames)
        if t['type'] == 'SegmentSampleFrames' else
        dict(t, input_format='NCTHW') if t['type'] == 'FormatShape' else t
        for t in pipeline
    ]


train_pipeline = _consecutive(_base_.train_pipeline)
test_pipeline = _consecutive(_base_.test_pipeline)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
