# The paper's Table III: ECO Lite with 4 frames (segments), arousal.
_base_ = ['../eco/eco_lite_bninception_1xb8-1x1x8-5fps-30e_liris-accede-arousal-rgb.py']
num_frames = 4
model = dict(num_segments=num_frames)


def _frames(pipeline):
    return [
        dict(t, num_segments=num_frames)
        if t['type'] == 'SegmentSampleFrames' else t for t in pipeline
    ]


train_dataloader = dict(
    dataset=dict(pipeline=_frames(_base_.train_dataloader.dataset.pipeline)))
val_dataloader = dict(
    dataset=dict(pipeline=_frames(_base_.val_dataloader.dataset.pipeline)))
test_dataloader = dict(
    dataset=dict(pipeline=_frames(_base_.test_dataloader.dataset.pipeline)))
