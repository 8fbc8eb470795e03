"""The package's public surface: flat, lazy, documented."""

import subprocess
import sys

import pytest

import mathnotes


def test_every_exported_name_resolves_and_has_a_docstring():
    for name in mathnotes.__all__:
        obj = getattr(mathnotes, name)
        assert (obj.__doc__ or "").strip(), f"mathnotes.{name} has no docstring"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        mathnotes.no_such_thing


def test_dir_lists_the_public_names():
    assert set(mathnotes.__all__) <= set(dir(mathnotes))


def test_import_is_light():
    code = (
        "import sys, mathnotes; "
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'IPython', 'scipy') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"import mathnotes pulled in {result.stdout.strip()}"
