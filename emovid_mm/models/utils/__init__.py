from .feature_pooling import pool_features

__all__ = ['pool_features']
