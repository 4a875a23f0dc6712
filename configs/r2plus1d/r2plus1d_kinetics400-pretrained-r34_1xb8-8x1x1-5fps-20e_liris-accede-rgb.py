# R(2+1)D-34 starting from MMAction2's R(2+1)D-34 trained on Kinetics-400
# (8 frames every 8th, 224x224, 180 epochs from scratch), on LIRIS-ACCEDE
# with the paper's R(2+1)D protocol otherwise: one clip of 8 consecutive
# frames at 5 fps, 224x224, ImageNet normalisation, MSE, SGD lr 0.0001 / 10
# every 4 epochs, 20 epochs; valence and arousal jointly. Depth 34, not the
# from-scratch configs' 18: MMAction2 publishes R(2+1)D at depth 34 only.
# `load_from` loads the whole recognizer checkpoint (non-strictly) before
# training: every `backbone.*` tensor; its 400-class `cls_head.fc_cls` has
# no counterpart in the emotion regression head and is left out. Downloaded
# on first use; see docs/pretrained.md to use a local copy.
_base_ = [
    '../_base_/models/r2plus1d_r34.py',
    '../_base_/datasets/liris_accede_consecutive.py',
    '../_base_/schedules/sgd_lr1e-4_step4_20e.py',
    '../_base_/default_runtime.py'
]
load_from = 'https://download.openmmlab.com/mmaction/v1.0/recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb_20220812-47cfe041.pth'  # noqa: E501
