from typing import Optional

import torch


def pool_features(feats: torch.Tensor,
                  num_segs: Optional[int] = None) -> torch.Tensor:
    """Average a recognizer's features to one vector per view.

    * 2D, ``(N * S, C, H, W)`` with ``num_segs=S``: spatial average, then
      the segmental consensus (average over the ``S`` segments), as TSN.
    * 3D, ``(N * V, C, T, H, W)``: spatio-temporal average.
    * pooled, ``(N * V, C)``: as it is (or averaged over ``num_segs``).

    Args:
        feats (Tensor): Features, ``(B, C)``, ``(B, C, H, W)`` or
            ``(B, C, T, H, W)``.
        num_segs (int, optional): Consecutive rows to average (``S``).

    Returns:
        Tensor: ``(B // num_segs, C)``.
    """
    if feats.dim() in (4, 5):
        feats = feats.flatten(2).mean(-1)
    if feats.dim() != 2:
        raise ValueError('Expected features (B, C), (B, C, H, W) or '
                         f'(B, C, T, H, W), got shape {tuple(feats.shape)}.')
    if num_segs is not None and num_segs > 1:
        if feats.shape[0] % num_segs:
            raise ValueError(f'{feats.shape[0]} feature vectors cannot be '
                             f'averaged over segments of {num_segs}.')
        feats = feats.view(-1, num_segs, feats.shape[1]).mean(1)
    return feats
