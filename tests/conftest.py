"""Shared test helpers: build datasets from small hand-written CSV texts, all in memory."""
from __future__ import annotations

import pytest

from analysis import load_files


def _as_bytes(v):
    return v if isinstance(v, bytes) else v.encode("utf-8")


@pytest.fixture
def load():
    """``load({"assessments.csv": "patient_id,day,pain_nrs\\nP1,0,7\\n"}, **options) -> Dataset``."""
    def _load(files: dict, **kw):
        return load_files({k: _as_bytes(v) for k, v in files.items()}, **kw)
    return _load


@pytest.fixture
def exclusions():
    """The exclusions of a dataset as a list of ``(file, line, column, value, reason)`` tuples."""
    def _ex(ds):
        return [tuple(r) for r in ds.report.exclusions.itertuples(index=False)]
    return _ex
