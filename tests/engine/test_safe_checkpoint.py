"""Tests of ``emovid_mm.engine.safe_checkpoint``: MMEngine checkpoints load
with ``weights_only=True``; anything else is refused before it runs."""
import os
import pickle
from collections import OrderedDict
from importlib import import_module

import numpy as np
import pytest
import torch
from hostile_checkpoints import (checkpoint_pickle, exec_via_getattr_build,
                                 old_allowlist, write_zip)
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import _load_checkpoint, load_checkpoint

import emovid_mm  # noqa: F401  (registers the loader)
from emovid_mm.engine import (CHECKPOINT_SAFE_GLOBALS, UnsafeCheckpointError,
                              load_local_checkpoint, load_url_checkpoint)

checkpoint_module = import_module('mmengine.runner.checkpoint')
HISTORY_BUFFER = 'mmengine.logging.history_buffer.HistoryBuffer'


class CustomThing:
    """Not part of an MMEngine checkpoint."""

    def __init__(self, value=1):
        self.value = value


def history_buffer():
    buf = HistoryBuffer()
    for value, count in ((0.1, 1), (0.05, 2), (0.025, 1)):
        buf.update(value, count)
    return buf


def mmengine_checkpoint():
    """A dict shaped like the checkpoints of MMEngine's Runner."""
    weight = torch.arange(6, dtype=torch.float32).view(2, 3)
    return {
        'meta': {
            'epoch': 2,
            'iter': 40,
            'seed': 0,
            'mmengine_version': '0.10.7',
            'message_hub': {
                'log_scalars': {
                    'train/lr': history_buffer()
                },
                'runtime_info': {
                    'x': np.float64(1.5),
                    'n': np.int64(7),
                    'arr': np.arange(3),
                    'f32': np.ones((2, 2), dtype=np.float32),
                    'epoch': 2,
                },
                'resumed_keys': {
                    'x': True
                },
            },
        },
        'state_dict': OrderedDict([('backbone.weight', weight),
                                   ('cls_head.fcs.1.bias',
                                    torch.tensor([0.5, -0.5])),
                                   ('cls_head.output_offset',
                                    torch.tensor([3.0, 3.0]))]),
        'optimizer': {
            'state': {
                0: {
                    'momentum_buffer': torch.full((2, 3), 0.25)
                }
            },
            'param_groups': [{
                'lr': 0.01,
                'momentum': 0.9,
                'weight_decay': 1e-4,
                'params': [0, 1]
            }],
        },
    }


def check_loaded(ckpt):
    hub = ckpt['meta']['message_hub']
    buf = hub['log_scalars']['train/lr']
    assert type(buf) is HistoryBuffer
    np.testing.assert_array_equal(buf._log_history, [0.1, 0.05, 0.025])
    np.testing.assert_array_equal(buf._count_history, [1, 2, 1])
    # The statistics methods (pickled through ``getattr``) still work;
    # HistoryBuffer's mean is the sum of the values over the sum of counts.
    assert buf.current() == pytest.approx(0.025)
    assert buf.mean() == pytest.approx((0.1 + 0.05 + 0.025) / 4)
    assert buf.max() == pytest.approx(0.1)
    info = hub['runtime_info']
    assert type(info['x']) is np.float64 and info['x'] == 1.5
    assert type(info['n']) is np.int64 and info['n'] == 7
    assert info['arr'].dtype == np.int64
    np.testing.assert_array_equal(info['arr'], [0, 1, 2])
    assert info['f32'].dtype == np.float32
    np.testing.assert_array_equal(info['f32'], np.ones((2, 2)))
    assert info['epoch'] == 2
    assert hub['resumed_keys'] == {'x': True}
    assert ckpt['meta']['epoch'] == 2 and ckpt['meta']['iter'] == 40
    state = ckpt['state_dict']
    assert list(state) == [
        'backbone.weight', 'cls_head.fcs.1.bias', 'cls_head.output_offset'
    ]
    torch.testing.assert_close(
        state['backbone.weight'],
        torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]))
    torch.testing.assert_close(state['cls_head.fcs.1.bias'],
                               torch.tensor([0.5, -0.5]))
    optim = ckpt['optimizer']
    torch.testing.assert_close(optim['state'][0]['momentum_buffer'],
                               torch.full((2, 3), 0.25))
    assert optim['param_groups'][0]['lr'] == 0.01
    assert optim['param_groups'][0]['params'] == [0, 1]


@pytest.fixture
def ckpt_path(tmp_path):
    path = tmp_path / 'epoch_2.pth'
    torch.save(mmengine_checkpoint(), path)
    return path


# ------------------------------------------------------------ registration


def test_importing_emovid_mm_registers_the_safe_loaders():
    for path in ('/some/dir/epoch_2.pth', 'work_dirs/best.pth',
                 '~/ckpt.pth'):
        assert CheckpointLoader._get_checkpoint_loader(
            path) is load_local_checkpoint
    for path in ('http://example.com/x.pth', 'https://example.com/x.pth'):
        assert CheckpointLoader._get_checkpoint_loader(
            path) is load_url_checkpoint
    # MMEngine's open-mmlab://, torchvision:// and mmcls:// loaders resolve
    # a URL and call this name.
    assert checkpoint_module.load_from_http is load_url_checkpoint


def test_allowlist_names_every_global_of_an_mmengine_checkpoint(ckpt_path):
    names = {name for _, name in CHECKPOINT_SAFE_GLOBALS}
    needed = set(torch.serialization.get_unsafe_globals_in_checkpoint(
        str(ckpt_path)))
    assert 'builtins.getattr' in needed and HISTORY_BUFFER in needed
    assert needed <= names


def test_allowlist_holds_no_general_callable_or_raw_class():
    """Every allowed global resolves to a stand-in of the loader, never to
    the object of that name."""
    for stand_in, name in CHECKPOINT_SAFE_GLOBALS:
        assert stand_in.__module__ == 'emovid_mm.engine.safe_checkpoint' or (
            '\n' in name and issubclass(stand_in, np.dtype)), name
    for raw in (getattr, eval, exec, HistoryBuffer, np.ndarray, np.dtype,
                os.system):
        assert raw not in [g for g, _ in CHECKPOINT_SAFE_GLOBALS]


# --------------------------------------------------- genuine checkpoints


def test_plain_weights_only_load_refuses_mmengine_checkpoint(ckpt_path):
    """Why the loader exists: torch's default refuses these files."""
    with pytest.raises(pickle.UnpicklingError):
        torch.load(ckpt_path, weights_only=True)


def test_load_local_checkpoint_keeps_values(ckpt_path):
    check_loaded(load_local_checkpoint(str(ckpt_path)))


def test_load_local_checkpoint_map_location(ckpt_path):
    ckpt = load_local_checkpoint(str(ckpt_path), map_location='cpu')
    check_loaded(ckpt)
    assert ckpt['state_dict']['backbone.weight'].device.type == 'cpu'
    ckpt = load_local_checkpoint(
        str(ckpt_path), map_location=lambda storage, loc: storage)
    check_loaded(ckpt)


@pytest.mark.parametrize('value', [
    np.bool_(True),
    np.int32(-3),
    np.uint8(200),
    np.float16(0.5),
    np.float32(0.25),
    np.str_('valence'),
    np.array(2.5),
    np.array(['ab', 'c']),
    np.array([[1, 2], [3, 4]], dtype=np.uint8),
    np.array([1.0, 2.0], dtype=np.float64)[::-1],
], ids=repr)
def test_numpy_values_in_runtime_info_round_trip(tmp_path, value):
    ckpt = mmengine_checkpoint()
    ckpt['meta']['message_hub']['runtime_info']['extra'] = value
    path = tmp_path / 'np.pth'
    torch.save(ckpt, path)
    out = load_local_checkpoint(str(path))
    check_loaded(out)
    loaded = out['meta']['message_hub']['runtime_info']['extra']
    assert type(loaded) is type(value)
    assert np.asarray(loaded).dtype == np.asarray(value).dtype
    np.testing.assert_array_equal(loaded, value)


def test_load_through_mmengine(ckpt_path):
    check_loaded(_load_checkpoint(str(ckpt_path)))
    check_loaded(_load_checkpoint(str(ckpt_path), map_location='cpu'))


def test_load_checkpoint_into_model_through_mmengine(ckpt_path):
    model = torch.nn.Module()
    model.backbone = torch.nn.Linear(3, 2, bias=False)
    ckpt = load_checkpoint(model, str(ckpt_path), strict=False)
    check_loaded(ckpt)
    torch.testing.assert_close(model.backbone.weight.data,
                               torch.tensor([[0.0, 1.0, 2.0],
                                             [3.0, 4.0, 5.0]]))


def test_real_message_hub_state_round_trips(tmp_path):
    hub = MessageHub.get_instance('test_safe_checkpoint_hub')
    for lr in (0.1, 0.01, 0.001):
        hub.update_scalar('train/lr', lr)
    hub.update_scalar('train/loss', np.float64(0.75))
    hub.update_info('iter', 12)
    hub.update_info('best_score', np.float32(0.5))
    path = tmp_path / 'hub.pth'
    torch.save({'meta': {'message_hub': hub.state_dict()}}, path)
    state = _load_checkpoint(str(path))['meta']['message_hub']
    restored = MessageHub.get_instance('test_safe_checkpoint_hub_restored')
    restored.load_state_dict(state)
    lr = restored.get_scalar('train/lr')
    assert lr.current() == pytest.approx(0.001)
    assert lr.mean() == pytest.approx(0.111 / 3)
    assert restored.get_scalar('train/loss').current() == pytest.approx(0.75)
    assert restored.get_info('iter') == 12
    assert restored.get_info('best_score') == np.float32(0.5)


def test_history_buffer_comes_back_as_itself_and_class_state_is_kept(
        ckpt_path):
    methods = dict(HistoryBuffer._statistics_methods)
    buf = load_local_checkpoint(
        str(ckpt_path))['meta']['message_hub']['log_scalars']['train/lr']
    assert type(buf) is HistoryBuffer
    assert type(buf._log_history) is np.ndarray
    assert set(vars(buf)) == {'max_length', '_log_history', '_count_history'}
    assert HistoryBuffer._statistics_methods == methods


def test_legacy_format_checkpoint_loads(tmp_path):
    """Checkpoints saved by torch < 1.6 (some published weights)."""
    path = tmp_path / 'legacy.pth'
    torch.save(mmengine_checkpoint(), path,
               _use_new_zipfile_serialization=False)
    check_loaded(load_local_checkpoint(str(path)))


def test_expands_user_home(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    torch.save(mmengine_checkpoint(), tmp_path / 'home.pth')
    check_loaded(load_local_checkpoint('~/home.pth'))


def safe_globals_now():
    # torch keeps them in a set (torch itself adds some, e.g. DTensor's):
    # compare as sets, the order of the list may change.
    return set(torch.serialization.get_safe_globals())


def test_allowlist_does_not_leak_into_global_state(ckpt_path):
    before = safe_globals_now()
    load_local_checkpoint(str(ckpt_path))
    assert safe_globals_now() == before
    assert HistoryBuffer not in safe_globals_now()
    with pytest.raises(pickle.UnpicklingError):
        torch.load(ckpt_path, weights_only=True)


def test_users_allowlist_is_kept_but_never_widens_ours(ckpt_path, tmp_path):
    """A user who allowlisted the raw ``getattr`` and ``HistoryBuffer``
    (as this loader once did) keeps them for plain ``torch.load``, but the
    loader resolves those names to its stand-ins."""
    before = safe_globals_now()
    marker = tmp_path / 'pwned.txt'
    hostile = write_zip(tmp_path / 'hostile.pth',
                        checkpoint_pickle(exec_via_getattr_build(marker)))
    try:
        torch.serialization.add_safe_globals(old_allowlist())
        with pytest.raises(UnsafeCheckpointError, match='hostile.pth'):
            load_local_checkpoint(str(hostile))
        assert not marker.exists()
        check_loaded(load_local_checkpoint(str(ckpt_path)))
        assert getattr in safe_globals_now()
        torch.load(hostile, weights_only=True)  # the user's choice
        assert marker.exists()
    finally:
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(list(before))
    assert safe_globals_now() == before


# --------------------------------------------------- hostile checkpoints


def save_with(path, payload):
    ckpt = mmengine_checkpoint()
    ckpt['meta']['payload'] = payload
    torch.save(ckpt, path)


def test_custom_class_is_refused(tmp_path):
    path = tmp_path / 'custom.pth'
    save_with(path, CustomThing(3))
    with pytest.raises(UnsafeCheckpointError) as info:
        load_local_checkpoint(str(path))
    assert str(path) in str(info.value)
    assert 'CustomThing' in str(info.value)
    assert torch.load(path, weights_only=False)['meta']['payload'].value == 3


# ----------------------------------------------------------- missing file


def test_missing_file_raises_file_not_found_naming_it(tmp_path):
    path = tmp_path / 'nope' / 'epoch_9.pth'
    with pytest.raises(FileNotFoundError) as info:
        load_local_checkpoint(str(path))
    assert str(path) in str(info.value)
    with pytest.raises(FileNotFoundError, match='epoch_9.pth'):
        _load_checkpoint(str(path))


def test_directory_is_not_a_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        load_local_checkpoint(str(tmp_path))


# ------------------------------------------------------------------ URLs


def test_url_checkpoint_is_downloaded_once_and_loaded_safely(
        ckpt_path, fake_download):
    served, calls = fake_download
    url = 'https://download.openmmlab.com/x/tsn_r50-e508be42.pth'
    served[url] = ckpt_path
    check_loaded(_load_checkpoint(url, map_location='cpu'))
    check_loaded(_load_checkpoint(url))
    assert calls == [url]
    cached = os.path.join(torch.hub.get_dir(), 'checkpoints',
                          'tsn_r50-e508be42.pth')
    assert os.path.isfile(cached)


def test_hostile_url_checkpoint_is_refused_and_not_run(
        tmp_path, fake_download):
    served, _ = fake_download
    marker = tmp_path / 'pwned.txt'
    hostile = write_zip(tmp_path / 'served.pth',
                        checkpoint_pickle(exec_via_getattr_build(marker)))
    url = 'https://example.com/weights/hostile.pth'
    served[url] = hostile
    with pytest.raises(UnsafeCheckpointError, match='hostile.pth'):
        _load_checkpoint(url)
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(torch.nn.Linear(2, 2), url)
    assert not marker.exists()
    # MMEngine's own download-and-load runs it (weights_only=False).
    served[url] = hostile
    torch.hub.load_state_dict_from_url(url, file_name='again.pth')
    assert marker.exists()


def test_open_mmlab_scheme_goes_through_the_safe_loader(
        tmp_path, fake_download):
    """``open-mmlab://`` (and ``torchvision://``, ``mmcls://``) resolve to a
    URL and call MMEngine's ``load_from_http``."""
    served, calls = fake_download
    url = checkpoint_module.get_external_models()['vgg16_caffe']
    marker = tmp_path / 'pwned.txt'
    served[url] = write_zip(tmp_path / 'served.pth',
                            checkpoint_pickle(exec_via_getattr_build(marker)))
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint('open-mmlab://vgg16_caffe')
    assert calls == [url] and not marker.exists()
