from .emotion_mse_loss import EmotionMSELoss

__all__ = ['EmotionMSELoss']
