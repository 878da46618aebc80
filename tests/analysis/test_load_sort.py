"""The loader's sort of rows by several keys (analysis/io/columns.py): one int64 per row when the keys
are whole numbers (codes, days with a few decimals), Arrow's multi-key sort otherwise. Both must give
the stable order and the ties that Arrow's sort of the keys themselves gives."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.io.columns import _order_and_ties, _sort_order, _tied
from analysis.io.packed_sort import _packed_sort


def arrow_order(keys):
    """The reference: Arrow's stable sort of the keys as they are, ties by comparing neighbours."""
    table = pa.table({f"k{i}": k for i, k in enumerate(keys)})
    order = pc.sort_indices(table, sort_keys=[(f"k{i}", "ascending") for i in range(len(keys))]).to_numpy()
    equal = np.ones(max(len(order) - 1, 0), dtype=bool)
    for k in keys:
        equal &= k[order][1:] == k[order][:-1]
    return order, equal


days = st.one_of(st.integers(-400, 4000).map(float),
                 st.integers(-40_000, 400_000).map(lambda x: x / 100),      # days with two decimals
                 st.sampled_from([0.0, -0.0, 0.25, 1 / 3, 1e-7, 2.5e15]))   # 1/3: not a short decimal


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), days, st.integers(0, 6)), min_size=2, max_size=60))
def test_the_order_and_ties_are_those_of_arrows_stable_sort(rows):
    p = np.array([r[0] for r in rows], dtype=np.int32)
    d = np.array([r[1] for r in rows], dtype=float)
    m = np.array([r[2] for r in rows], dtype=np.int64)
    keys = [p, d, m]
    want_order, want_ties = arrow_order(keys)
    order, ties = _order_and_ties(keys)
    if order is None:  # already in order: nothing to gather
        assert np.array_equal(want_order, np.arange(len(rows)))
    else:
        assert np.array_equal(order, want_order)
    assert np.array_equal(ties, want_ties)
    assert np.array_equal(_sort_order(keys), want_order)


def test_rows_in_random_order_are_sorted_by_one_int64_key():
    rng = np.random.default_rng(12)
    n = 20_000
    keys = [rng.integers(0, 3000, n).astype(np.int32), np.round(rng.uniform(-30, 400, n), 2),
            rng.integers(0, 7, n)]
    keys[1][:50] = keys[1][50:100]                    # a few equal keys: kept in row order
    keys[0][:50] = keys[0][50:100]
    keys[2][:50] = keys[2][50:100]
    assert _packed_sort(keys) is not None
    order, ties = _order_and_ties(keys)
    want = arrow_order(keys)
    assert np.array_equal(order, want[0]) and np.array_equal(ties, want[1]) and ties.sum() >= 50


@pytest.mark.parametrize("day", [np.nan, np.inf, 1 / 3, 1e300])
def test_keys_that_are_not_short_whole_numbers_take_arrows_sort(day):
    keys = [np.array([2, 1, 1, 0], dtype=np.int32), np.array([1.0, day, 0.5, 2.0]), np.array([0, 1, 0, 3])]
    assert _packed_sort(keys) is None
    assert np.array_equal(_sort_order(keys), arrow_order(keys)[0])


def test_tied_rows_are_found_with_nan_equal_to_nan():
    keys = [np.array([1, 0, 1, 0]), np.array([np.nan, 2.0, np.nan, 2.5])]
    assert _tied(keys).tolist() == [True, False, True, False]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), days, st.integers(0, 6)), min_size=2, max_size=60),
       st.integers(0, 70))
def test_the_sorted_keys_read_off_the_sort_are_the_keys_gathered_in_that_order(rows, split_rows):
    """The keys come back from the packed integers (shifts and masks), not gathered: they must be
    exactly the gathered keys, dtype and sign of zero included, with the sort on two threads too."""
    p = np.array([r[0] for r in rows], dtype=np.int32)
    d = np.array([r[1] for r in rows], dtype=float)
    m = np.array([r[2] for r in rows], dtype=np.int64)
    keys = [p, d, m]
    packed = _packed_sort(keys, with_keys=True, split_rows=split_rows)
    if packed is None:  # not packable (1/3, 2.5e15 beside decimals): Arrow's sort, keys gathered
        return
    order, ties, sorted_keys = packed
    want_order, want_ties = arrow_order(keys)
    assert np.array_equal(order, want_order) and np.array_equal(ties, want_ties)
    for k, got in zip(keys, sorted_keys):
        want = k[want_order]
        assert got.dtype == want.dtype
        assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


def test_a_registry_size_sort_on_two_threads_gives_arrows_order():
    rng = np.random.default_rng(7)
    n = 300_000
    keys = [rng.integers(0, 20_000, n).astype(np.int32), rng.integers(-30, 400, n) / 4, rng.integers(0, 7, n)]
    order, ties, sorted_keys = _packed_sort(keys, with_keys=True, split_rows=1000)
    want_order, want_ties = arrow_order(keys)
    assert np.array_equal(order, want_order) and np.array_equal(ties, want_ties) and ties.any()
    assert all(np.array_equal(s, k[want_order]) for s, k in zip(sorted_keys, keys))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), days, st.integers(0, 6), st.floats(allow_nan=True)), min_size=2,
                max_size=60))
def test_a_carried_column_comes_back_in_the_sorted_order_on_every_path(rows):
    """The scores' values are sorted along with the keys (not a key): whichever path sorts (already in
    order, packed integers, Arrow's sort), they come back gathered in the keys' stable order."""
    p = np.array([r[0] for r in rows], dtype=np.int32)
    d = np.array([r[1] for r in rows], dtype=float)
    m = np.array([r[2] for r in rows], dtype=np.int8)
    v = np.array([r[3] for r in rows], dtype=float)
    order, _, sorted_keys = _order_and_ties([p, d, m], with_keys=True, carry=v)
    want_order, _ = arrow_order([p, d, m])
    got = sorted_keys[3]
    assert len(sorted_keys) == 4
    assert np.array_equal(got, v[want_order], equal_nan=True)


def test_a_carried_column_of_a_registry_size_sort_is_gathered_on_a_thread_in_that_order():
    rng = np.random.default_rng(11)
    n = 300_000
    keys = [rng.integers(0, 20_000, n).astype(np.int32), rng.integers(-30, 400, n) / 4,
            rng.integers(0, 7, n).astype(np.int8)]
    values = rng.integers(0, 11, n).astype(float)
    order, ties, sorted_keys = _packed_sort(keys, with_keys=True, split_rows=1000, carry=values)
    want_order, _ = arrow_order(keys)
    assert np.array_equal(order, want_order)
    assert np.array_equal(sorted_keys[3], values[want_order])


@pytest.mark.parametrize("values", [
    np.arange(1_100_000) % 11 * 1.0,                       # whole scores 0-10: gathered one byte per row
    np.arange(1_100_000) % 2_000 - 1_000.0,                # two bytes per row
    (np.arange(1_100_000) % 21) / 2,                       # half points: the plain gather
    np.where(np.arange(1_100_000) % 5 == 0, -0.0, 3.0),    # a negative zero keeps its sign
    np.where(np.arange(1_100_000) % 7 == 0, np.nan, 4.0),  # NaN
    np.arange(1_100_000) * 1.0,                            # too large for two bytes
    np.arange(1_100_000) % 11,                             # integers (not float): the plain gather
])
def test_the_carried_values_are_gathered_bit_for_bit(values):
    """Small whole scores travel one byte (or two) per row through the sort's gather; every other
    value travels as it is. Either way each value comes back bit for bit."""
    key = np.random.default_rng(5).permutation(len(values)).astype(np.int32)
    order, _, sorted_keys = _packed_sort([key], with_keys=True, carry=values)
    got, want = sorted_keys[-1], values[np.argsort(key)]
    assert np.array_equal(order, np.argsort(key))
    assert got.dtype == want.dtype
    assert np.array_equal(got.view(np.uint8), want.view(np.uint8))  # NaN, -0.0 and all, bit for bit


@pytest.mark.parametrize("cores", [1, 2, 3, 8])
def test_the_sort_spread_over_any_number_of_cores_gives_arrows_order(monkeypatch, cores):
    """On a machine with more cores the rows are sorted in more parts (one range of patients each):
    the order, the ties (across the parts' edges too) and the keys read back stay the same."""
    monkeypatch.setattr("analysis.io.arrays.os.cpu_count", lambda: cores)
    rng = np.random.default_rng(cores)
    n = 200_000
    keys = [rng.integers(0, 5_000, n).astype(np.int32), rng.integers(-30, 400, n) / 4,
            rng.integers(0, 7, n).astype(np.int8)]
    keys[0][:1000] = 4_999  # one patient with many rows: parts of unequal size
    values = rng.integers(0, 11, n).astype(float)
    order, ties, sorted_keys = _packed_sort(keys, with_keys=True, split_rows=1000, carry=values)
    want_order, want_ties = arrow_order(keys)
    assert np.array_equal(order, want_order) and np.array_equal(ties, want_ties) and ties.any()
    for k, got in zip(keys + [values], sorted_keys):
        assert got.dtype == k.dtype and np.array_equal(got, k[want_order])
