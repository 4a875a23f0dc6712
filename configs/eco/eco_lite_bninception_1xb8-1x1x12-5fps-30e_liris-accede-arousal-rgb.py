# The paper's Table III: ECO Lite with 12 frames (segments), arousal;
# otherwise as the 8-frame config.
_base_ = ['./eco_lite_bninception_1xb8-1x1x8-5fps-30e_liris-accede-arousal-rgb.py']
model = dict(num_segments=12)
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SegmentSampleFrames', num_segments=12, target_fps=5),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(224, 224),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=12,
        target_fps=5,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(224, 224),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
