# R(2+1)D-18, from scratch, in the model-zoo benchmark on the generated
# LIRIS-ACCEDE-shaped data (CPU): 8 consecutive frames at 5 fps, 112x112,
# Adam lr 1e-4, 10 epochs. See model_zoo.md.
_base_ = [
    '../_base_/models/r2plus1d_r18.py',
    '../_base_/datasets/liris_synthetic_consecutive.py',
    '../_base_/schedules/adam_lr1e-4_step8_10e.py',
    '../_base_/default_runtime.py'
]
