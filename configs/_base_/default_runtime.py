default_scope = 'mmaction'
custom_imports = dict(imports=['emovid_mm'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    # LoggerHook, with the test metrics file written by one rank only.
    logger=dict(type='RankZeroLoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Keeps the latest checkpoints for --resume and the best one by the mean
    # Pearson r over the targets on the validation split, written
    # atomically (a run killed while saving leaves the previous checkpoint).
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='mean/pearson_r',
        rule='greater',
        backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'))
# Each training epoch draws its random numbers from (seed, epoch): a resumed
# run repeats the uninterrupted one. Training stops before it starts if the
# training split shares a clip or a film with the validation or test split.
custom_hooks = [dict(type='EpochSeedHook'), dict(type='SplitLeakCheckHook')]

# Every config feeds clips of one fixed size, so cuDNN may pick its fastest
# algorithms once (deterministic mode turns this off).
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
