"""The data files of CRPS Outcomes: the SYNTHETIC demo cohort (demo/, see README.md), its
generator (generate_demo.py) and the published reference figures (published_figures.csv).

Installed as the subpackage ``analysis.data`` (pyproject.toml), so an installed copy finds them with
``importlib.resources``; code reaches them only through :mod:`analysis.resources`.
"""
