# LIRIS-ACCEDE as the paper used it: 8 RGB frames per clip, sampled TSN-style
# (one per segment) over the whole clip after downsampling it to 5 fps,
# resized to 224x224 with bilinear interpolation.
dataset_type = 'LIRISACCEDEDataset'
data_root = 'data/liris_accede'
targets = ('valence', 'arousal')
# The paper trained on the official test set (set 0: 4,900 clips, 80 films)
# and tested on the official learning set (set 1: 2,450 clips, 40 films): it
# switched them. Set 2 (validation) stays the validation split.
splits = dict(train=[0], val=[2], test=[1])
num_frames = 8
target_fps = 5
input_size = (224, 224)

train_pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SegmentSampleFrames',
        num_segments=num_frames,
        target_fps=target_fps),
    dict(type='DecordDecode'),
    dict(
        type='Resize',
        scale=input_size,
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(t, test_mode=True) if t['type'] == 'SegmentSampleFrames' else t
    for t in train_pipeline
]


def _loader(split, pipeline, test_mode):
    return dict(
        batch_size=8,
        num_workers=2,
        persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=not test_mode),
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            split=split,
            splits=splits,
            targets=targets,
            pipeline=pipeline,
            test_mode=test_mode))


train_dataloader = _loader('train', train_pipeline, test_mode=False)
val_dataloader = _loader('val', test_pipeline, test_mode=True)
test_dataloader = _loader('test', test_pipeline, test_mode=True)

val_evaluator = dict(type='EmotionRegressionMetric')
test_evaluator = val_evaluator
