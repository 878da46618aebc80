"""The loader borrows jemalloc as pyarrow's memory pool while it loads, and gives the pool back.

Why it does (docs/performance.md, "Memory pool"): the default pool returns freed memory to the system at
once, so every large buffer of a load starts on new pages; jemalloc keeps it for reuse. What must hold:
the host program's pool is restored after every load, failed or not; a pool chosen by the user is left
alone; a pyarrow without jemalloc loads as before.
"""
from __future__ import annotations

import pyarrow as pa
import pytest

import analysis.load as load_module
from analysis import load_files
from analysis.errors import DatasetError

GOOD = {"assessments.csv": b"patient_id,day,measure,value\nP1,0,pain_nrs,7\nP1,1,pain_nrs,3\n"}
BAD = {"assessments.csv": b"patient_id,day,measure,value\n"}


def has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


def pool_seen_by_the_loader(monkeypatch) -> list[str]:
    seen = []
    real = load_module._load_files

    def spy(*args, **kwargs):
        seen.append(pa.default_memory_pool().backend_name)
        return real(*args, **kwargs)

    monkeypatch.setattr(load_module, "_load_files", spy)
    return seen


@pytest.mark.skipif(not has_jemalloc(), reason="this pyarrow has no jemalloc")
def test_a_load_runs_with_jemalloc_and_gives_the_pool_back(monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool().backend_name
    seen = pool_seen_by_the_loader(monkeypatch)
    ds = load_files(GOOD)
    assert seen == ["jemalloc"]
    assert pa.default_memory_pool().backend_name == before
    assert ds.assessments["value"].tolist() == [7.0, 3.0]


def test_the_pool_is_given_back_when_the_dataset_is_refused(monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool().backend_name
    with pytest.raises(DatasetError):
        load_files(BAD)
    assert pa.default_memory_pool().backend_name == before


def test_with_a_pool_chosen_by_the_user_the_loader_does_not_switch_it(monkeypatch):
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    seen = pool_seen_by_the_loader(monkeypatch)
    load_files(GOOD)
    assert seen == [pa.default_memory_pool().backend_name]


def test_a_pyarrow_without_jemalloc_loads_with_its_own_pool(monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)

    def no_jemalloc():
        raise NotImplementedError("built without jemalloc")

    monkeypatch.setattr(pa, "jemalloc_memory_pool", no_jemalloc)
    seen = pool_seen_by_the_loader(monkeypatch)
    ds = load_files(GOOD)
    assert seen == [pa.default_memory_pool().backend_name]
    assert len(ds.assessments) == 2


@pytest.mark.skipif(not has_jemalloc(), reason="this pyarrow has no jemalloc")
def test_loads_on_several_threads_at_once_keep_jemalloc_until_the_last_ends(monkeypatch):
    """Dashboard sessions load on threads of one server: a load that started first and ends first must not
    switch the pool back under a load still running, and the last one out restores the host's pool."""
    import threading

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool().backend_name
    early_inside, late_inside = threading.Event(), threading.Event()
    seen = {}
    real = load_module._load_files

    def overlapping(*args, **kwargs):
        if threading.current_thread().name == "early":
            early_inside.set()
            late_inside.wait(timeout=30)       # ends while the late load is still running
        else:
            late_inside.set()
            early.join(timeout=30)             # the early load has ended
            seen["late, after the early one ended"] = pa.default_memory_pool().backend_name
        return real(*args, **kwargs)

    monkeypatch.setattr(load_module, "_load_files", overlapping)
    early = threading.Thread(target=load_files, args=(GOOD,), name="early")
    early.start()
    assert early_inside.wait(timeout=30)
    load_files(GOOD)
    assert seen == {"late, after the early one ended": "jemalloc"}
    assert pa.default_memory_pool().backend_name == before


# --- numpy's huge pages: off while a dataset loads, the host's setting given back ---------------------

def hugepages_seen_by_the_loader(monkeypatch) -> list[bool]:
    """What numpy's huge-page switch was set to inside the load (read by setting it and putting it back)."""
    seen = []
    real = load_module._load_files

    def spy(*args, **kwargs):
        from numpy._core.multiarray import _set_madvise_hugepage
        now = _set_madvise_hugepage(False)
        _set_madvise_hugepage(now)
        seen.append(now)
        return real(*args, **kwargs)

    monkeypatch.setattr(load_module, "_load_files", spy)
    return seen


def numpy_hugepages_now() -> bool:
    from numpy._core.multiarray import _set_madvise_hugepage
    now = _set_madvise_hugepage(False)
    _set_madvise_hugepage(now)
    return now


@pytest.mark.parametrize("host_setting", [True, False])
def test_a_load_runs_without_numpy_huge_pages_and_gives_the_setting_back(monkeypatch, host_setting):
    from numpy._core.multiarray import _set_madvise_hugepage
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    before = _set_madvise_hugepage(host_setting)
    try:
        seen = hugepages_seen_by_the_loader(monkeypatch)
        ds = load_files(GOOD)
        assert seen == [False]
        assert numpy_hugepages_now() is host_setting
        with pytest.raises(DatasetError):
            load_files(BAD)
        assert numpy_hugepages_now() is host_setting
        assert ds.assessments["value"].tolist() == [7.0, 3.0]
    finally:
        _set_madvise_hugepage(before)


def test_with_huge_pages_chosen_by_the_user_the_loader_does_not_switch_them(monkeypatch):
    from numpy._core.multiarray import _set_madvise_hugepage
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    before = _set_madvise_hugepage(True)
    try:
        seen = hugepages_seen_by_the_loader(monkeypatch)
        load_files(GOOD)
        assert seen == [True]
    finally:
        _set_madvise_hugepage(before)
