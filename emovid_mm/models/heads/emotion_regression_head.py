from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from ..utils import pool_features


@MODELS.register_module()
class EmotionRegressionHead(BaseModule):
    """Regress valence and/or arousal from backbone features.

    Accepts the features of MMAction2's 2D and 3D recognizers, pooled by
    :func:`~emovid_mm.models.utils.pool_features`:

    * 2D, ``(N * S, C, H, W)`` with ``num_segs=S``: spatial average, then
      the segmental consensus (average over the ``S`` frames), as TSN.
    * 3D, ``(N * V, C, T, H, W)``: spatio-temporal average.
    * pooled, ``(N * V, C)``.

    The pooled ``(N * V, C)`` features go through dropout and
    ``len(hidden_channels) + 1`` fully-connected layers (ReLU between them) to
    ``(N * V, num_targets)``. ``V`` views of one sample (several test clips
    or crops) are averaged, without any softmax.

    Args:
        in_channels (int): Feature channels ``C``.
        targets (Sequence[str]): Names of the outputs, in order, as the
            dataset's ``targets`` (e.g. ``('valence', 'arousal')``).
        hidden_channels (Sequence[int]): Widths of the hidden layers; ``()``
            gives the paper's single FC layer, ``(512, 512)`` its three.
        dropout_ratio (float): Dropout before each FC layer.
        output_offset (float | Sequence[float]): Added to the outputs, per
            target, so that training starts near the labels instead of at 0
            (3.0 is the centre of LIRIS-ACCEDE's 1-5 scale).
        loss (dict): The loss config.
        init_std (float): Std of the normal init of the FC weights.
        init_cfg (dict, optional): Weight init config.
    """

    def __init__(self,
                 in_channels: int,
                 targets: Sequence[str] = ('valence', 'arousal'),
                 hidden_channels: Sequence[int] = (),
                 dropout_ratio: float = 0.5,
                 output_offset: Union[float, Sequence[float]] = 0.0,
                 loss: dict = dict(type='EmotionMSELoss'),
                 init_std: float = 0.01,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg or dict(
            type='Normal', layer='Linear', std=init_std))
        self.in_channels = in_channels
        self.targets = tuple(targets)
        self.num_targets = len(self.targets)
        self.loss_module = MODELS.build(loss)
        widths = [in_channels, *hidden_channels, self.num_targets]
        layers: List[nn.Module] = []
        for i, (w_in, w_out) in enumerate(zip(widths[:-1], widths[1:])):
            if i:
                layers.append(nn.ReLU(inplace=True))
            if dropout_ratio > 0:
                layers.append(nn.Dropout(dropout_ratio))
            layers.append(nn.Linear(w_in, w_out))
        self.fcs = nn.Sequential(*layers)
        offset = torch.as_tensor(output_offset, dtype=torch.float32)
        self.register_buffer('output_offset',
                             offset.expand(self.num_targets).clone())

    def forward(self,
                x: torch.Tensor,
                num_segs: Optional[int] = None,
                **kwargs) -> torch.Tensor:
        """Predict per view.

        Args:
            x (Tensor): Features, ``(N * S, C, H, W)``,
                ``(N * V, C, T, H, W)`` or ``(N * V, C)``.
            num_segs (int, optional): Frames per view ``S`` of 2D features.

        Returns:
            Tensor: ``(N * V, num_targets)``.
        """
        if x.dim() not in (2, 4, 5) or x.shape[1] != self.in_channels:
            raise ValueError(f'Expected features with {self.in_channels} '
                             f'channels, got shape {tuple(x.shape)}.')
        return self.fcs(pool_features(x, num_segs)) + self.output_offset

    def predict_values(self, feats: torch.Tensor, num_samples: int,
                       **kwargs) -> torch.Tensor:
        """Predictions averaged over the views of each sample,
        ``(num_samples, num_targets)``."""
        preds = self(feats, **kwargs)
        if preds.shape[0] % num_samples:
            raise ValueError(f'{preds.shape[0]} predictions cannot be split '
                             f'evenly over {num_samples} samples.')
        return preds.view(num_samples, -1, self.num_targets).mean(1)

    def loss(self, feats: torch.Tensor, data_samples: List[BaseDataElement],
             **kwargs) -> dict:
        """MSE against the samples' ``gt_values``.

        Returns:
            dict: ``loss_mse`` (the loss) and, for logging only, the batch
            MSE of each target as ``mse_{target}``.
        """
        preds = self.predict_values(feats, len(data_samples), **kwargs)
        truth = torch.stack([s.gt_values for s in data_samples]).to(preds)
        if truth.shape != preds.shape:
            raise ValueError(
                f'The head predicts {self.targets} but the samples carry '
                f'{truth.shape[1]} value(s); give the head and the dataset '
                'the same `targets`.')
        losses = dict(loss_mse=self.loss_module(preds, truth))
        with torch.no_grad():
            per_target = ((preds - truth)**2).mean(0)
        for name, value in zip(self.targets, per_target):
            losses[f'mse_{name}'] = value
        return losses

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement],
                **kwargs) -> List[BaseDataElement]:
        """Store ``pred_values`` ``(num_targets,)`` in each sample."""
        preds = self.predict_values(feats, len(data_samples), **kwargs)
        for sample, pred in zip(data_samples, preds):
            sample.set_field(pred.detach(), 'pred_values')
        return data_samples
