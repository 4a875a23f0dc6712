# C3D with batch norm on LIRIS-ACCEDE with the paper's protocol: one clip of
# 8 consecutive frames at 5 fps, 224x224, from scratch, MSE, SGD lr 0.0001 /
# 10 every 4 epochs, 20 epochs; valence and arousal jointly.
_base_ = [
    '../_base_/models/c3d.py',
    '../_base_/datasets/liris_accede_consecutive.py',
    '../_base_/schedules/sgd_lr1e-4_step4_20e.py',
    '../_base_/default_runtime.py'
]
