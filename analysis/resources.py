"""The data files shipped with CRPS Outcomes: the SYNTHETIC demo cohort and the published figures.

Once installed (``pip install .`` or ``pip install -e .``), the repository's ``data/`` folder is the
subpackage ``analysis.data`` (see pyproject.toml), and the files are found with
:mod:`importlib.resources` wherever the package lives: in site-packages, or in the checkout for an
editable install. Every module reaches these files through this one, never through ``__file__``.

The demo cohort (``demo_path()``) is synthetic: 800 invented patients written by
``data/generate_demo.py`` (seed 2026), with their true parameters in ``TRUTH.json``; its files,
columns and coding are described in ``data/README.md``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Paths that name the demo cohort on the command line when no such folder exists where the command
#: runs (see :func:`demo_alias`): ``demo``, and ``data/demo`` as written in the README and docs.
DEMO_ALIASES = (("demo",), ("data", "demo"))


def data_path() -> Path:
    """The folder of the installed data files (the repository's ``data/``).

    Raises
    ------
    ImportError
        when CRPS Outcomes is imported from a zip archive, where the data files are no folder that
        the loaders could read; the message says how to install it.
    """
    try:
        root = resources.files("analysis.data")
    except ModuleNotFoundError:
        # A source checkout imported without being installed (its folder on sys.path, no
        # `pip install -e .`): data/ is the sibling of analysis/, as in the installed package.
        return Path(__file__).resolve().parent.parent / "data"
    if not isinstance(root, Path):
        raise ImportError(f"CRPS Outcomes cannot read its data files inside {root}: install it with "
                          "`pip install .` (or `pip install -e .`) from its folder.")
    return root


def demo_path() -> Path:
    """The folder of the SYNTHETIC demo cohort (``assessments.csv``, ``treatments.csv``,
    ``patients.csv``, ``TRUTH.json``), ready for :func:`analysis.load_dataset`."""
    return data_path() / "demo"


def published_figures_path() -> Path:
    """The published reference figures (``published_figures.csv``; see :mod:`analysis.published`)."""
    return data_path() / "published_figures.csv"


def demo_alias(path: str | Path) -> Path | None:
    """The installed demo cohort when ``path`` names it but does not exist here, else None.

    The README and docs run commands such as ``python -m analysis summarize data/demo`` from the
    repository's folder. Run from any other folder (an installed copy has no repository), ``demo``
    and ``data/demo`` (also as ``./data/demo/``) mean the demo cohort installed with the package. A
    folder or file of that name in the current folder always wins: a clinic's own ``demo`` folder is
    never replaced.
    """
    p = Path(path)
    if p.exists() or p.parts not in DEMO_ALIASES:
        return None
    return demo_path()
