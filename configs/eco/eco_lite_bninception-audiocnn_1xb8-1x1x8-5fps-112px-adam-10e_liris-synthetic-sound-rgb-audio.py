# Audio-visual ECO Lite, from scratch, on the generated data whose arousal is
# half caused by the sound (liris_synthetic_sound_audio_visual.py): 8 frames
# at 5 fps, 112x112, and 8 log-mel segments of 0.96 s, Adam lr 1e-4,
# 10 epochs (CPU), as its visual-only and audio-only baselines.
# Modality dropout 0.25 (eco_lite_audiocnn.py): a quarter of the training
# samples lose one branch, so that the frames alone still predict valence
# (which the sound does not cause) and the sound alone its share of arousal,
# and a video without sound keeps a sensible prediction, while three
# quarters of the samples train the fusion. See model_zoo.md.
_base_ = [
    '../_base_/models/eco_lite_audiocnn.py',
    '../_base_/datasets/liris_synthetic_sound_audio_visual.py',
    '../_base_/schedules/adam_lr1e-4_step8_10e.py',
    '../_base_/default_runtime.py'
]
