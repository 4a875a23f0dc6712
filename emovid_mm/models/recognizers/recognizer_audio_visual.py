import copy
from typing import Dict, Optional, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import OptConfigType, OptSampleList, SampleList
from mmengine.model import BaseModel, merge_dict

from ..utils import pool_features


@MODELS.register_module()
class RecognizerAudioVisual(BaseModel):
    """Fuses the pooled features of a visual recognizer and of an audio
    backbone before one head.

    * Visual branch, ``visual``: one of the plugin's visual recognizers
      (``RecognizerECO`` for ECO Lite/Full, ``Recognizer2D`` for TSN,
      ``Recognizer3D`` for R(2+1)D and C3D) without head and data
      preprocessor. Its ``extract_feat`` maps the frames,
      ``(N, V * T, 3, H, W)`` or ``(N, V, 3, T, H, W)``, to features that
      are pooled as the regression head pools them
      (:func:`~emovid_mm.models.utils.pool_features`: spatial and temporal
      average, TSN consensus over the segments) into ``(N * V', Dv)``: one
      vector per view (``V' = V``; ``V' = 1`` for ``Recognizer2D``, whose
      consensus averages every frame of a sample).
    * Audio branch, ``audio_backbone`` (e.g. :class:`AudioCNN` or
      MMAction2's ``ResNetAudio``): the log-mel segments
      ``(N, S, 1, M, W)`` (or one, ``(N, 1, M, W)``) go through it as
      ``(N * S, 1, M, W)``; its maps are averaged in space and over the
      ``S`` segments into ``(N, Da)``.

    The audio features of each sample are repeated over its ``V'`` views
    and concatenated after the visual ones: ``(N * V', Dv + Da)``, the
    head's input (``in_channels=Dv + Da``; it averages the views). With one
    branch the features are that branch's.

    A sample whose metainfo has ``audio_missing=True`` (a clip without
    sound) has its audio features zeroed, in training and testing, so it is
    predicted from its frames. In training, modality dropout gives each
    sample, with probability ``modality_dropout``, zeroed features of one of
    its branches, chosen at random (never both; a sample without sound keeps
    its frames), so that either branch alone still predicts.

    Args:
        visual (dict, optional): The visual recognizer.
        audio_backbone (dict, optional): The audio backbone.
        cls_head (dict, optional): The head, fed the fused features.
        modality_dropout (float): Probability that a training sample loses
            one of its branches; needs both branches.
        visual_key (str): Key of the frames in the inputs dict.
        audio_key (str): Key of the log-mel segments in the inputs dict.
        train_cfg (dict, optional): Training config, given to the visual
            recognizer unless ``visual`` has its own.
        test_cfg (dict, optional): Testing config (e.g.
            ``max_testing_views``), given to the visual recognizer unless
            ``visual`` has its own.
        data_preprocessor (dict, optional): Data preprocessor config, by
            default MMAction2's ``MultiModalDataPreprocessor`` stacking each
            input key's batch.
    """

    def __init__(self,
                 visual: OptConfigType = None,
                 audio_backbone: OptConfigType = None,
                 cls_head: OptConfigType = None,
                 modality_dropout: float = 0.0,
                 visual_key: str = 'imgs',
                 audio_key: str = 'audio_mel',
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        if visual is None and audio_backbone is None:
            raise ValueError('RecognizerAudioVisual needs a visual branch '
                             '(visual), an audio branch (audio_backbone) or '
                             'both; got neither.')
        if not 0.0 <= modality_dropout <= 1.0:
            raise ValueError('modality_dropout is a probability, got '
                             f'{modality_dropout}.')
        if modality_dropout > 0 and (visual is None or audio_backbone is None):
            raise ValueError(
                f'modality_dropout={modality_dropout} drops one of two '
                'branches, but the model has only its '
                f'{"audio" if visual is None else "visual"} branch; set '
                'modality_dropout=0.0 or give both visual and '
                'audio_backbone.')
        branches = {visual_key: visual, audio_key: audio_backbone}
        keys = [key for key, cfg in branches.items() if cfg is not None]
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='MultiModalDataPreprocessor',
                preprocessors={
                    key: dict(type='ActionDataPreprocessor')
                    for key in keys
                })
        super().__init__(data_preprocessor=data_preprocessor)
        self.visual: Optional[BaseModel] = None
        if visual is not None:
            visual = copy.deepcopy(visual)
            for part in ('cls_head', 'data_preprocessor'):
                if visual.get(part) is not None:
                    raise ValueError(
                        f'The visual recognizer ({visual.get("type")}) has '
                        f'a {part}; give it without one: the {part} of '
                        'RecognizerAudioVisual serves both branches.')
            if visual.get('train_cfg') is None:
                visual['train_cfg'] = train_cfg
            if visual.get('test_cfg') is None:
                visual['test_cfg'] = test_cfg
            self.visual = MODELS.build(visual)
        self.audio_backbone: Optional[torch.nn.Module] = (
            MODELS.build(audio_backbone)
            if audio_backbone is not None else None)
        self.cls_head: Optional[torch.nn.Module] = (
            MODELS.build(cls_head) if cls_head is not None else None)
        self.modality_dropout = modality_dropout
        self.visual_key = visual_key
        self.audio_key = audio_key
        self.input_keys = tuple(keys)
        self.train_cfg = train_cfg
        self.test_cfg = test_cfg

    def _input(self, inputs: Dict[str, torch.Tensor],
               key: str) -> torch.Tensor:
        """The branch input under ``key``, or a clear error."""
        if not isinstance(inputs, dict) or key not in inputs:
            got = (
                sorted(inputs) if isinstance(inputs, dict) else
                f'a {type(inputs).__name__}, not a dict')
            raise ValueError(
                f'RecognizerAudioVisual takes a dict of inputs with the keys '
                f'{self.input_keys}, but {key!r} is missing (got {got}); '
                "set collect_keys of the pipeline's PackEmotionInputs to "
                f'{self.input_keys}.')
        return inputs[key]

    def extract_audio_feat(self, mel: torch.Tensor) -> torch.Tensor:
        """Audio features of each sample.

        Args:
            mel (Tensor): Log-mel segments ``(N, S, 1, M, W)`` or one,
                ``(N, 1, M, W)``.

        Returns:
            Tensor: ``(N, Da)``, averaged over space and the segments.
        """
        if mel.dim() == 4:
            mel = mel.unsqueeze(1)
        if mel.dim() != 5:
            raise ValueError('Expected log-mel segments (N, S, 1, M, W) or '
                             f'(N, 1, M, W), got shape {tuple(mel.shape)}.')
        maps = self.audio_backbone(mel.flatten(0, 1))
        return pool_features(maps, num_segs=mel.shape[1])

    def _branch_masks(self, num_samples: int, data_samples: OptSampleList,
                      device: torch.device
                      ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Per sample, whether to keep (or zero) its visual and its audio
        features: ``audio_missing`` and, in training, modality dropout."""
        keep_visual = torch.ones(num_samples, dtype=torch.bool, device=device)
        keep_audio = torch.ones_like(keep_visual)
        if data_samples is not None:
            if len(data_samples) != num_samples:
                raise ValueError(f'Got {len(data_samples)} data samples for '
                                 f'{num_samples} inputs.')
            missing = [
                s.metainfo.get('audio_missing', False) for s in data_samples
            ]
            keep_audio = ~torch.tensor(missing, device=device).bool()
        if self.training and self.modality_dropout > 0:
            p = self.modality_dropout
            drop = torch.rand(num_samples, device=device) < p
            drop &= keep_audio  # without sound, the frames stay
            drop_audio = torch.randint(
                2, (num_samples, ), device=device).bool()
            keep_visual &= ~(drop & ~drop_audio)
            keep_audio &= ~(drop & drop_audio)
        return keep_visual, keep_audio

    def extract_feat(self,
                     inputs: Dict[str, torch.Tensor],
                     stage: str = 'neck',
                     data_samples: OptSampleList = None,
                     test_mode: bool = False) -> Tuple[torch.Tensor, dict]:
        """Fused features, or the head's predictions with ``stage='head'``.

        Args:
            inputs (dict): ``{visual_key: (N, V * T, 3, H, W) or
                (N, V, 3, T, H, W), audio_key: (N, S, 1, M, W)}``.
            stage (str): ``'backbone'`` or ``'neck'`` for the features,
                ``'head'`` for the predictions.
            data_samples (list, optional): The samples, whose
                ``audio_missing`` zeroes their audio features.
            test_mode (bool): Whether the visual recognizer is tested.

        Returns:
            tuple: ``(N * V', Dv + Da)`` features (or
            ``(N * V', num_targets)`` predictions) and a dict with the
            visual recognizer's ``loss_aux``, if any.
        """
        kwargs = dict()
        visual = audio = None
        if self.visual is not None:
            imgs = self._input(inputs, self.visual_key)
            feats, visual_kwargs = self.visual.extract_feat(
                imgs,
                stage='neck',
                data_samples=data_samples,
                test_mode=test_mode)
            visual = pool_features(feats, visual_kwargs.get('num_segs'))
            if visual_kwargs.get('loss_aux'):
                kwargs['loss_aux'] = visual_kwargs['loss_aux']
            num_samples = imgs.shape[0]
        if self.audio_backbone is not None:
            mel = self._input(inputs, self.audio_key)
            audio = self.extract_audio_feat(mel)
            num_samples = mel.shape[0]
        if visual is not None and visual.shape[0] % num_samples:
            raise ValueError(
                f'{visual.shape[0]} visual feature vectors cannot be split '
                f'evenly over the {num_samples} samples of the audio.')
        views = 1 if visual is None else visual.shape[0] // num_samples
        device = (audio if visual is None else visual).device
        keep_visual, keep_audio = self._branch_masks(num_samples, data_samples,
                                                     device)
        fused = []
        if visual is not None:
            keep = keep_visual.repeat_interleave(views)
            fused.append(visual * keep[:, None].to(visual.dtype))
        if audio is not None:
            audio = audio * keep_audio[:, None].to(audio.dtype)
            fused.append(audio.repeat_interleave(views, dim=0))
        feats = torch.cat(fused, dim=1)
        if stage == 'head':
            return self._head()(feats), kwargs
        return feats, kwargs

    def _head(self) -> torch.nn.Module:
        if self.cls_head is None:
            raise ValueError('RecognizerAudioVisual has no cls_head to '
                             'compute losses or predictions; give one.')
        return self.cls_head

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: SampleList) -> dict:
        """The head's losses (and the visual recognizer's ``loss_aux``)."""
        feats, kwargs = self.extract_feat(inputs, data_samples=data_samples)
        losses = self._head().loss(feats, data_samples)
        return merge_dict(losses, kwargs.get('loss_aux', dict()))

    def predict(self, inputs: Dict[str, torch.Tensor],
                data_samples: SampleList) -> SampleList:
        """The samples with the head's ``pred_values``."""
        feats, _ = self.extract_feat(
            inputs, data_samples=data_samples, test_mode=True)
        return self._head().predict(feats, data_samples)

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: OptSampleList = None,
                mode: str = 'tensor',
                stage: str = 'neck') -> Union[dict, SampleList, torch.Tensor]:
        """``'loss'``: dict of losses; ``'predict'``: the samples with
        ``pred_values``; ``'tensor'``: the fused features (or, with
        ``stage='head'``, the head's outputs per view), see
        :meth:`extract_feat`."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(
                inputs, stage=stage, data_samples=data_samples)[0]
        raise RuntimeError(f'Invalid mode {mode!r}; RecognizerAudioVisual '
                           'supports loss, predict and tensor.')
