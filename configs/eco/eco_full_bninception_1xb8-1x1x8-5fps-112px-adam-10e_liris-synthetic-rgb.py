# ECO Full, from scratch, in the model-zoo benchmark on the generated
# LIRIS-ACCEDE-shaped data (CPU): 8 segments x 1 frame at 5 fps, 112x112,
# Adam lr 1e-4, 10 epochs. See model_zoo.md.
_base_ = [
    '../_base_/models/eco_full.py', '../_base_/datasets/liris_synthetic.py',
    '../_base_/schedules/adam_lr1e-4_step8_10e.py',
    '../_base_/default_runtime.py'
]
