from typing import Optional, Tuple

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList


@MODELS.register_module()
class RecognizerECO(BaseRecognizer):
    """ECO: a shared 2D network on each sampled frame, a 3D network on the
    stacked frame features (Zolfaghari, Singh, Brox, ECCV 2018).

    * ECO Lite: ``backbone`` (the 2D trunk, e.g. BN-Inception up to
      ``inception_3c_double_3x3_1``) maps each of the ``T`` frames to a
      ``(C2, h, w)`` map; the maps are stacked along time into
      ``(C2, T, h, w)`` and ``backbone_3d`` (:class:`ECOResNet3d`) turns
      them into a feature map that is averaged to one vector per clip.
    * ECO Full: the trunk also returns its last feature map
      (``eco_tap=True``), ``backbone_2d`` (the rest of BN-Inception) runs
      on it for each frame; its pooled features, averaged over the frames,
      are concatenated to the 3D ones.

    Takes the data samples and inputs of MMAction2's 2D recognizers:
    ``(N, V * T, C, H, W)`` frames (``format_shape='NCHW'``), ``T`` frames
    per view (``num_segments``) and ``V`` views (crops or clips at test
    time, averaged by the head). ``extract_feat`` returns ``(N * V, D)``
    with ``D = backbone_3d.out_channels`` (+ ``backbone_2d.out_channels``).

    Args:
        backbone (dict): The per-frame 2D trunk.
        backbone_3d (dict): The 3D network.
        num_segments (int): Frames ``T`` per clip, as sampled by the
            pipeline.
        backbone_2d (dict, optional): ECO Full's 2D branch.
        cls_head (dict, optional): The head, fed ``(N * V, D)`` features.
        train_cfg (dict, optional): Training config.
        test_cfg (dict, optional): Testing config.
        data_preprocessor (dict, optional): Data preprocessor config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 backbone_3d: ConfigType,
                 num_segments: int,
                 backbone_2d: OptConfigType = None,
                 cls_head: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        super().__init__(
            backbone=backbone,
            cls_head=cls_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        if num_segments < 1:
            raise ValueError(f'num_segments must be >= 1, got {num_segments}')
        self.num_segments = num_segments
        self.backbone_3d = MODELS.build(backbone_3d)
        self.backbone_2d: Optional[torch.nn.Module] = (
            MODELS.build(backbone_2d) if backbone_2d is not None else None)

    def extract_feat(self,
                     inputs: torch.Tensor,
                     stage: str = 'neck',
                     data_samples: Optional[SampleList] = None,
                     test_mode: bool = False) -> Tuple[torch.Tensor, dict]:
        """Clip features, or the head's predictions with ``stage='head'``.

        Args:
            inputs (Tensor): ``(N, V * T, C, H, W)``.

        Returns:
            tuple: ``(N * V, D)`` features (or ``(N * V, num_targets)``
            predictions) and an empty dict of kwargs for the head.
        """
        frames_per_sample = inputs.shape[1]
        if frames_per_sample % self.num_segments:
            raise ValueError(
                f'Got {frames_per_sample} frames per sample, not a multiple '
                f'of the model\'s num_segments={self.num_segments}; make the '
                'pipeline sample as many frames as the model expects.')
        frames = inputs.reshape((-1, ) + inputs.shape[2:])
        out = self.backbone(frames)
        tap, last = out if isinstance(out, tuple) else (out, None)
        if self.backbone_2d is not None and last is None:
            raise ValueError('ECO Full needs a trunk that returns its last '
                             'feature map too (eco_tap=True).')
        clips = tap.shape[0] // self.num_segments
        volume = tap.reshape((clips, self.num_segments) +
                             tap.shape[1:]).transpose(1, 2)
        feats = self.backbone_3d(volume).flatten(2).mean(-1)
        if self.backbone_2d is not None:
            per_frame = self.backbone_2d(last).flatten(2).mean(-1)
            feats = torch.cat(
                [feats,
                 per_frame.view(clips, self.num_segments, -1).mean(1)],
                dim=1)
        if stage == 'head':
            return self.cls_head(feats), dict()
        return feats, dict()
