# C3D starting from MMAction2's Sports-1M C3D, on LIRIS-ACCEDE with the
# clips that checkpoint takes: one clip of 16 consecutive frames at the
# video's own frame rate (0.64 s at 25 fps; random in training, the
# centre in testing), 112x112, as MMAction2 fine-tunes it on UCF101 (16x1x1);
# MSE, SGD lr 0.0001 / 10 every 4 epochs, 20 epochs (the paper's C3D
# schedule); valence and arousal jointly. The checkpoint has no batch norm:
# this is not the paper's C3D (BN, 8 frames at 5 fps, 224x224), whose
# configs are the c3d_bn_* ones. Downloaded on first use; see
# docs/pretrained.md to use a local copy.
_base_ = [
    '../_base_/models/c3d_sports1m_pretrained.py',
    '../_base_/datasets/liris_accede.py',
    '../_base_/schedules/sgd_lr1e-4_step4_20e.py',
    '../_base_/default_runtime.py'
]
train_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=1,
        clip_len=16,
        target_fps=None),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(112, 112),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=1,
        clip_len=16,
        target_fps=None,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=(112, 112),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackEmotionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
