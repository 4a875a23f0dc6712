"""Checks of the installed OpenMMLab stack."""
from importlib.metadata import PackageNotFoundError, version

from packaging.version import Version

#: Supported versions, as ``(package, lowest, first unsupported)``.
SUPPORTED = (
    ('mmaction2', '1.1.0', '1.3.0'),
    ('mmengine', '0.8.0', '1.0.0'),
    ('torch', '2.5.0', None),
)


def check_versions() -> None:
    """Refuse an MMAction2, MMEngine or torch this plugin was not made for.

    mmcv is checked by MMAction2 itself when it is imported.
    """
    for package, low, high in SUPPORTED:
        try:
            found = Version(version(package))
        except PackageNotFoundError:
            if package == 'torch':
                raise
            continue  # e.g. MMAction2 run from a source tree, not installed
        if found < Version(low) or (high and found >= Version(high)):
            bound = f'>={low}' + (f',<{high}' if high else '')
            raise ImportError(
                f'emovid_mm needs {package}{bound}, found {found}. See '
                '"Supported versions" in docs/install.md.')
