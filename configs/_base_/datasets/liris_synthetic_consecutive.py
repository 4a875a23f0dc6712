# The generated LIRIS-ACCEDE-shaped data for the 3D CNNs (C3D, R(2+1)D): one
# clip of 8 consecutive frames at 5 fps, as in liris_accede_consecutive.py,
# at 112x112 as in liris_synthetic.py.
_base_ = ['./liris_synthetic.py']


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
