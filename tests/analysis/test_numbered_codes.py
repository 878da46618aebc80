"""Codes of study codes written at one width (P000123) read from the numbers: exactly the codes that
hashing the texts and sorting the distinct ones gives, or None (and hashing) for any other column."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.io import columns as columns_module
from analysis.io import numbered_codes
from analysis.io.numbered_codes import fixed_width_number_codes


def _expected(texts):
    """Codes into the sorted distinct texts, by plain Python: the definition."""
    uniques = sorted(set(texts))
    where = {u: i for i, u in enumerate(uniques)}
    return np.array([where[t] for t in texts]), uniques


def _check(texts):
    got = fixed_width_number_codes(pa.array(texts, type=pa.string()))
    assert got is not None
    codes, uniques = _expected(texts)
    assert got[0].tolist() == codes.tolist()
    assert list(got[1]) == uniques and all(type(u) is str for u in got[1])


@pytest.mark.parametrize("prefix,digits", [("P", 6), ("CRPS-", 4), ("", 5), ("ab_", 1), ("X", 18), ("", 9),
                                           ("", 10)])
def test_codes_are_those_of_the_sorted_distinct_texts(prefix, digits):
    rng = np.random.default_rng(digits)
    top = min(10 ** digits, 10 ** 6)
    numbers = rng.integers(0, top, 5_000)
    if digits == 18:
        numbers = numbers + 10 ** 17  # large numbers close together: a small span
    texts = [f"{prefix}{n:0{digits}d}" for n in numbers]
    _check(texts)


def test_one_distinct_text_and_two_rows():
    _check(["P01", "P01"])
    _check(["P02", "P01"])


def test_rows_across_several_steps_and_a_sliced_array(monkeypatch):
    monkeypatch.setattr(numbered_codes, "_STEP", 7)
    texts = [f"ID{n:03d}" for n in np.random.default_rng(1).integers(0, 200, 100)]
    _check(texts)
    arr = pa.array(["junk-long-text"] * 3 + texts, type=pa.string()).slice(3)
    got = fixed_width_number_codes(arr)
    assert got[0].tolist() == _expected(texts)[0].tolist()


@pytest.mark.parametrize("texts", [
    ["P001", "P02", "P003"],                 # widths differ
    ["P001", "P0022", "P3"],                 # widths differ, total a multiple of the first width
    ["P001", "Q002", "P003"],                # another prefix
    ["P001", "P0A2", "P003"],                # a letter among the digits
    ["P001", "P 02", "P003"],                # white space among the digits
    [" P01", " P02", " P03"],                # white space before the prefix (trimming would change it)
    ["P01 ", "P02 ", "P03 "],                # white space after (not a digit)
    ["É001", "É002", "É003"],                # a prefix outside printable ASCII
    ["P-01", "P+01", "P-02"],                # a sign is not a digit
    ["PAT", "PAT", "PAT"],                   # no digits at all
    ["P" + "1" * 19, "P" + "2" * 19],        # more than 18 digits
    ["P000", "P999999"[:4], "P0/0"],         # a byte just below '0'
    ["P00:", "P001", "P002"],                # a byte just above '9'
])
def test_any_other_column_is_left_to_hashing(texts):
    assert fixed_width_number_codes(pa.array(texts, type=pa.string())) is None


def test_nulls_other_types_and_chunks_are_left_to_hashing():
    assert fixed_width_number_codes(pa.array(["P01", None, "P02"], type=pa.string())) is None
    assert fixed_width_number_codes(pa.array(["P01", "P02"], type=pa.large_string())) is None
    assert fixed_width_number_codes(pa.chunked_array([["P01"], ["P02"]])) is None
    assert fixed_width_number_codes(pa.array(["P01"], type=pa.string())) is None  # one row: nothing to gain


def test_numbers_too_spread_out_are_hashed(monkeypatch):
    monkeypatch.setattr(numbered_codes, "MAX_SPAN", 100)
    assert fixed_width_number_codes(pa.array(["P000", "P099"], type=pa.string())) is not None
    assert fixed_width_number_codes(pa.array(["P000", "P100"], type=pa.string())) is None


def test_a_bad_cell_in_the_last_step_is_found(monkeypatch):
    monkeypatch.setattr(numbered_codes, "_STEP", 4)
    texts = [f"P{n:02d}" for n in range(10)] + ["P1x"]
    assert fixed_width_number_codes(pa.array(texts, type=pa.string())) is None


def test_the_loader_gives_the_same_dataset_with_or_without_reading_the_numbers(load, monkeypatch):
    # Long form in random order (as some systems export it): patient ids written at one width.
    rng = np.random.default_rng(7)
    rows = [(f"P{p:05d}", d, m, int(rng.integers(0, 11)))
            for p in rng.choice(100_000, 300, replace=False) for d in (0, 7, 30) for m in ("pain_nrs", "phq9")]
    rows = [rows[i] for i in rng.permutation(len(rows))]
    text = "patient_id,day,measure,value\n" + "".join(f"{p},{d},{m},{v}\n" for p, d, m, v in rows)
    calls = []
    real = columns_module.fixed_width_number_codes

    def spy(col, empty=np.empty):
        out = real(col, empty)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(columns_module, "fixed_width_number_codes", spy)
    read = load({"assessments.csv": text})
    assert any(calls)  # the patient ids were read as numbers
    monkeypatch.setattr(columns_module, "fixed_width_number_codes", lambda col, empty=np.empty: None)
    hashed = load({"assessments.csv": text})
    pd.testing.assert_frame_equal(read.assessments, hashed.assessments)
    assert read.assessments["patient_id"].nunique() == 300
