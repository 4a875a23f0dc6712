# TSN with MMAction2's ResNet-50 starting from MMAction2's TSN trained on
# Kinetics-400 (ImageNet-pretrained ResNet-50, 8 segments, 100 epochs),
# otherwise as the from-scratch config: 8 segments x 1 frame at 5 fps,
# 224x224, ImageNet normalisation, MSE, SGD lr 0.001 / 10 every 5 epochs,
# 30 epochs; valence and arousal jointly. `load_from` loads the whole
# recognizer checkpoint (non-strictly) before training: every `backbone.*`
# tensor; its 400-class `cls_head.fc_cls` has no counterpart in the emotion
# regression head and is left out. Downloaded on first use; see
# docs/pretrained.md to use a local copy.
_base_ = ['./tsn_r50_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
load_from = 'https://download.openmmlab.com/mmaction/v1.0/recognition/tsn/tsn_imagenet-pretrained-r50_8xb32-1x1x8-100e_kinetics400-rgb/tsn_imagenet-pretrained-r50_8xb32-1x1x8-100e_kinetics400-rgb_20220906-2692d16c.pth'  # noqa: E501
