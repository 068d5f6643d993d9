"""pybatch analyzes Python codebases at scale: definitions, imports, metrics and
radon-compatible complexity of every file, parsed exactly as CPython 3.14 parses
it, into SQLite or JSON Lines. See https://github.com/pybatch/pybatch.

This package only carries the compiled ``pybatch`` command (a static binary that
the wheel installs next to the interpreter's scripts) and runs it for
``python -m pybatch``. ``find_pybatch_bin()`` returns the binary's path.
"""

import os
import sys
import sysconfig

__version__ = "@VERSION@"

__all__ = ["__version__", "find_pybatch_bin"]


def _exe_name():
    return "pybatch.exe" if sys.platform == "win32" else "pybatch"


def _user_scheme():
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    return "nt_user" if os.name == "nt" else "posix_user"


def _candidate_dirs():
    # Where pip, uv and pipx put a wheel's scripts: the environment's own
    # scripts directory (a venv, a pipx venv, the system), then the user
    # scheme (pip install --user).
    yield sysconfig.get_path("scripts")
    try:
        yield sysconfig.get_path("scripts", scheme=_user_scheme())
    except KeyError:
        pass
    # pip install --target DIR puts the scripts in DIR/bin beside the
    # package; --prefix PREFIX in PREFIX/bin, three levels above
    # PREFIX/lib/pythonX.Y/site-packages.
    here = os.path.dirname(os.path.abspath(__file__))
    site = os.path.dirname(here)
    yield os.path.join(site, "bin")
    yield os.path.join(site, "Scripts")
    prefix = os.path.dirname(os.path.dirname(os.path.dirname(site)))
    yield os.path.join(prefix, "bin")
    yield os.path.join(os.path.dirname(site), "Scripts")  # Windows: PREFIX/Lib/site-packages


def find_pybatch_bin():
    """Return the path of the pybatch binary installed with this package."""
    name = _exe_name()
    seen = set()
    for d in _candidate_dirs():
        if not d or d in seen:
            continue
        seen.add(d)
        path = os.path.join(d, name)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the pybatch binary was not found in %s; reinstall the pybatch wheel"
        % ", ".join(sorted(seen))
    )
