# The demo config shrunk for the tests: 4 segments of 32x32 frames, batches
# of 4, no worker processes, 2 epochs.
_base_ = ['../../configs/demo_liris.py']

input_size = (32, 32)
num_frames = 4


def _tiny(pipeline):
    sizes = dict(Resize=dict(scale=input_size),
                 SegmentSampleFrames=dict(num_segments=num_frames))
    return [dict(t, **sizes.get(t['type'], {})) for t in pipeline]


train_pipeline = _tiny(_base_.train_pipeline)
test_pipeline = _tiny(_base_.test_pipeline)
_loader = dict(batch_size=4, num_workers=0, persistent_workers=False)
train_dataloader = dict(**_loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))

train_cfg = dict(max_epochs=2)
default_hooks = dict(logger=dict(interval=1))
