# TSN with MMAction2's ResNet-50 starting from torchvision's ImageNet weights
# (IMAGENET1K_V2, the file MMAction2's TSN configs start from), otherwise as
# the from-scratch config: 8 segments x 1 frame at 5 fps, 224x224, ImageNet
# normalisation, MSE, SGD lr 0.001 / 10 every 5 epochs, 30 epochs; valence
# and arousal jointly. When the model is initialised, MMAction2's ResNet
# renames torchvision's keys to its own and loads every convolution and
# batch norm; torchvision's 1000-class fc is not loaded. Downloaded on first
# use; see docs/pretrained.md to use a local copy.
_base_ = ['./tsn_r50_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
model = dict(
    backbone=dict(
        pretrained=  # noqa: E251
        'https://download.pytorch.org/models/resnet50-11ad3fa6.pth'))
