# Frames for BN-Inception in its Caffe convention (BGR, 0-255 minus the mean,
# std 1), so that ImageNet BN-Inception or Kinetics ECO weights apply as they
# are.
_base_ = ['./emotion_regressor.py']
model = dict(
    data_preprocessor=dict(
        mean=[104, 117, 128], std=[1, 1, 1], to_rgb=True,
        format_shape='NCHW'))
