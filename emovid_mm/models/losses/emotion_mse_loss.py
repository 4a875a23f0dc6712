import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS


@MODELS.register_module()
class EmotionMSELoss(nn.Module):
    """Mean squared error between predicted and annotated emotion values.

    Args:
        loss_weight (float): Factor applied to the loss.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """
        Args:
            pred (Tensor): Predictions, ``(N, K)``.
            target (Tensor): Targets, ``(N, K)``.

        Returns:
            Tensor: The weighted mean over all ``N * K`` elements, a scalar.
        """
        if pred.shape != target.shape:
            raise ValueError(f'pred {tuple(pred.shape)} and target '
                             f'{tuple(target.shape)} must have one shape.')
        return self.loss_weight * F.mse_loss(pred, target.to(pred.dtype))
