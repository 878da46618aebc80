"""Score columns read straight to numbers by the CSV reader (analysis/io/csv_reader.py, ``_parse_csv``).

In a comma-separated file without quotes, the columns an assessments file uses only as numbers
(``day``; the measures in wide form; ``value`` in long form) are parsed to float64 by pyarrow
instead of as text. These tests pin that the outcome is exactly what the text rules give
(docs/data-format.md): values in the exclusion report as written in the file, NA tokens, a text
cell far below the rows the reader looks at first, and the identifier guard.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.io import columns as columns_module
from analysis.io import csv_reader as csv_module
from analysis.io import identifiers
from analysis.io.csv_reader import _RawLines

A = "assessments.csv"


@pytest.fixture(autouse=True, params=["blocks", "one block"])
def parse_mode(request, monkeypatch):
    """Every test runs twice: as the reader parses a clinic-size file (1 MB blocks or smaller, the numbers
    copied out of their chunks), and as it parses a registry-size one (blocks of 4-16 MB, so a test
    file is one block and its numbers are used in place; analysis/io/csv_reader.py _block_size,
    analysis/io/columns.py _float_values), forced here for small files."""
    if request.param == "one block":
        monkeypatch.setattr(csv_module, "_TYPED_BLOCKS_FROM", 1)
    return request.param


def test_excluded_values_are_reported_as_written(load, exclusions):
    # 12.0 and 011 are out of range for pain_nrs (0-10): the report shows the cells as typed, not 12 / 11.
    ds = load({A: "patient_id,day,pain_nrs,phq9\nP1,0,7,3\nP1,7,12.0,4\nP2,0,011,\nP2,1,1E1,2\n"})
    why = "out of range for pain_nrs (valid 0-10)"
    assert exclusions(ds) == [(A, 3, "pain_nrs", "12.0", why), (A, 4, "pain_nrs", "011", why)]
    # 1E1 = 10 is in range and kept.
    kept = ds.assessments
    assert kept[(kept["patient_id"] == "P2") & (kept["measure"] == "pain_nrs")]["value"].tolist() == [10.0]


@pytest.mark.parametrize("pid", ["P1", '"P1"'])  # unquoted: read as numbers; quoted: read as text
def test_nan_spellings_follow_the_text_rules(load, exclusions, pid):
    # NA tokens in any case (NaN, nan, NULL, n/A) are empty cells; "inf" and "Infinity" are not numbers.
    text = ("patient_id,day,pain_nrs,phq9\nP1,0,7,NaN\nP1,1,6,nan\nP1,2,inf,3\nP1,3,5,Infinity\n"
            "P1,4,4,NULL\nP1,5,3,n/A\n")
    ds = load({A: text.replace("P1,", pid + ",")})
    assert exclusions(ds) == [(A, 4, "pain_nrs", "inf", "not a number"),
                              (A, 5, "phq9", "Infinity", "not a number")]
    a = ds.assessments
    assert a[a["measure"] == "phq9"]["value"].tolist() == []  # no phq9 score left
    assert a[a["measure"] == "pain_nrs"]["value"].tolist() == [7.0, 6.0, 4.0, 3.0]


def _big_wide(n: int, late_cell: str | None) -> str:
    rows = [f"P{i // 10:05d},{i % 10},{i % 11},{i % 28}" for i in range(n)]
    if late_cell is not None:
        p, d, _, q = rows[-3].split(",")
        rows[-3] = ",".join([p, d, late_cell, q])
    return "patient_id,day,pain_nrs,phq9\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize("cell,reason,n_pain", [("seven", "not a number", -1),  # row excluded
                                               ("n/a", None, -1),  # an empty cell: row kept, no pain score
                                               (" 7 ", None, 0)])  # a number once trimmed
@pytest.mark.parametrize("n", [20_000, 80_000])
def test_text_far_below_the_first_rows(load, exclusions, cell, reason, n_pain, n, monkeypatch):
    # A file of up to 1 MB is read with the score columns as numbers straight away; a larger one
    # only if its first 64 KB show them to be numbers. Either way a cell further down that is not a
    # number makes the reader read the file as text, with the same outcome as anywhere else.
    text = _big_wide(n, cell)
    assert len(text) > 4 * 65536 and (len(text) > 1 << 20) == (n == 80_000)  # ~300 KB / ~1.2 MB
    heads = []
    real = csv_module._numeric_start
    monkeypatch.setattr(csv_module, "_numeric_start", lambda *a: heads.append(a) or real(*a))
    ds = load({A: text})
    assert len(heads) == (n == 80_000)
    line = n + 1 - 3 + 1  # header is line 1; the third row from the end
    ex = exclusions(ds)
    if reason is None:
        assert ex == []
    else:
        assert ex == [(A, line, "pain_nrs", cell, reason)]
    a = ds.assessments
    pain = a[a["measure"] == "pain_nrs"]
    assert len(pain) == n + n_pain
    if cell == " 7 ":
        assert pain["value"].iloc[n - 3] == 7.0


def test_same_result_as_text_reading_for_a_large_file(load):
    # The same file with one quoted cell (so every column is read as text) gives the same tables.
    text = _big_wide(20_000, "12")
    quoted = text.replace("P00001,", '"P00001",', 1)
    a, b = load({A: text}), load({A: quoted})
    pd.testing.assert_frame_equal(a.assessments, b.assessments)
    pd.testing.assert_frame_equal(a.report.exclusions, b.report.exclusions)


def test_raw_lines_give_cells_as_written():
    blob = b"patient_id,day,pain_nrs\r\nP1,0, 7\r\nP2,1,12.0\r\n"
    raw = _RawLines(blob, ",")
    assert raw.cells([2, 3], 2).to_pylist() == [" 7\r\n", "12.0\r\n"]  # trimmed by the caller
    assert raw.cells([3], 0).to_pylist() == ["P2"]


# The identifier guard skips the content checks of a column the reader parsed as numbers when every
# value is below identifiers.NEVER_FLAGGED_BELOW (one min/max), because such cells are never flagged.
# This pins that claim for every text Arrow's CSV reader accepts.
_NUMBERISH = st.text(alphabet="0123456789+-.eE ,\tinfatyINFATY", min_size=1, max_size=12)


def _arrow_value(cell: str):
    """The number Arrow's CSV reader makes of the cell (None = empty/NA), or False if it refuses it."""
    try:
        t = pacsv.read_csv(pa.py_buffer(("x\n" + cell + "\n").encode()),
                           parse_options=pacsv.ParseOptions(delimiter="|"),
                           convert_options=pacsv.ConvertOptions(column_types={"x": pa.float64()}, null_values=[""]))
    except pa.ArrowInvalid:
        return False
    return t.column("x")[0].as_py() if t.num_rows == 1 else False


@settings(max_examples=3000, deadline=None)
@given(st.lists(_NUMBERISH, min_size=1, max_size=30))
def test_guard_never_flags_cells_the_reader_reads_as_small_numbers(cells):
    values = {c: _arrow_value(c) for c in cells}
    small = [c for c, v in values.items() if v is not False and (v is None or v != v or
                                                                 abs(v) < identifiers.NEVER_FLAGGED_BELOW)]
    if small:
        assert identifiers.content_reason(pd.Series(small)) is None
        floats = [values[c] for c in small]
        assert identifiers.numbers_never_flagged(pa.array(floats, type=pa.float64()))


def test_guard_still_checks_numeric_columns_by_name(load):
    from analysis import IdentifierError
    with pytest.raises(IdentifierError, match="phone"):
        load({A: "patient_id,day,pain_nrs,phone\nP1,0,7,5551234567\n"})


# ---- the text -> number rule on Arrow kernels (analysis/io/columns.py, _numbers) ---------------------------
def _numbers_reference(cells: list[str], decimal_comma: bool):
    """The rule as pandas spells it (the loader's former implementation): NA tokens in any case are
    missing; the other cells are numbers if Arrow casts the whole column, else as pandas.to_numeric
    reads each; a cell that is not a finite number is "not a number"."""
    import numpy as np
    from analysis.load import NA_TOKENS
    s = pd.Series(cells, dtype=object)
    missing = s.str.lower().isin(NA_TOKENS).to_numpy(dtype=bool)
    t = s.where(~missing, "0")
    if decimal_comma:
        t = t.str.replace(",", ".", regex=False)
    try:
        vals = pa.array(t, type=pa.string()).cast(pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowException, ValueError):
        vals = pd.to_numeric(t, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    vals = np.array(vals, dtype=float)
    vals[missing] = np.nan
    bad = ~missing & ~np.isfinite(vals)
    vals[bad] = np.nan
    return vals, missing, bad


_CELL_TEXTS = st.one_of(
    st.sampled_from(["", "na", "NA", "N/A", "nan", "NaN", "NULL", "None", "inf", "-inf", "Infinity", "1", "1.5",
                     "1,5", "-2", "+3", "1e5", "1e400", "40-49", "M", ".5", "5.", "0x10", "1_0", "٣", "7,5",
                     "1.000,5"]),
    st.text(alphabet="0123456789.,-+eEnaifINF x", max_size=6))


@settings(max_examples=1500, deadline=None)
@given(st.lists(_CELL_TEXTS, max_size=8), st.booleans())
def test_number_rule_matches_its_pandas_formulation(cells, decimal_comma):
    import numpy as np
    from analysis.io.columns import _numbers
    got = _numbers(np.array(cells, dtype=object), decimal_comma)
    for g, want in zip(got, _numbers_reference(cells, decimal_comma)):
        np.testing.assert_array_equal(g, want)


def test_covariate_types_are_decided_on_their_texts(load):
    # disease_duration_months: numbers (NA tokens and empty cells are missing); age_band and sex: text.
    ds = load({A: "patient_id,day,pain_nrs\nP1,0,7\nP2,0,5\nP3,0,6\n",
               "patients.csv": "patient_id,sex,age_band,disease_duration_months,weight\nP1,F,40-49,12,NA\n"
                               "P2,M,50-59,n/a,\nP3,,40-49,7.5,\n"})
    p = ds.patients.set_index("patient_id")
    assert p["disease_duration_months"].tolist()[:1] == [12.0] and p["disease_duration_months"].dtype == float
    assert pd.isna(p.loc["P2", "disease_duration_months"]) and p.loc["P3", "disease_duration_months"] == 7.5
    assert p["age_band"].tolist() == ["40-49", "50-59", "40-49"]
    assert p.loc["P1", "sex"] == "F" and pd.isna(p.loc["P3", "sex"])
    # A column of only empty cells and NA tokens has no numbers: all missing.
    assert p["weight"].isna().all()


def test_na_tokens_are_found_by_ascii_lower_casing_as_by_unicode_lower_casing():
    # _na_tokens lower-cases ASCII only. That finds the same cells as Unicode lower-casing because
    # the tokens are ASCII and no other character lower-cases to one of their letters.
    import pyarrow.compute as pc
    from analysis.io.columns import NA_TOKENS, _na_tokens
    letters = set("".join(NA_TOKENS))
    chars = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    lowered = pc.utf8_lower(pa.array(chars)).to_pylist()
    assert not [c for c, low in zip(chars, lowered) if set(low) & letters and low.isascii()]
    cells = ["NA", "nA", "N/A", "NULL", "None", "NaN", "", "NONE", "na ", "İ", "\u212a", "n\u0130", "nul"]
    unicode = pc.is_in(pc.utf8_lower(pa.array(cells)), value_set=pa.array(NA_TOKENS)).to_pylist()
    assert _na_tokens(pa.array(cells)).to_pylist() == unicode == [True] * 8 + [False] * 5


def test_numbers_are_used_in_place_when_the_reader_gives_one_chunk(load, parse_mode, monkeypatch):
    # In one block, each score column is one chunk: its numbers are the reader's own buffer (no
    # copy), NaN written into the empty cells. In blocks (a 300 KB file: four) they are copied.
    import numpy as np
    seen = []
    real = columns_module._float_values

    def spy(arr, in_place=False):
        values, missing = real(arr, in_place)
        data = [np.frombuffer(ch.buffers()[1], dtype=np.float64) for ch in arr.chunks]
        seen.append((arr.num_chunks, any(np.shares_memory(values, d) for d in data), in_place))
        return values, missing

    monkeypatch.setattr(columns_module, "_float_values", spy)
    text = _big_wide(20_000, None).replace(",27\n", ",\n")  # empty phq9 cells (null slots)
    ds = load({A: text})
    assert seen and all(in_place for _, _, in_place in seen)
    one_chunk = parse_mode == "one block"
    assert all((chunks == 1) == one_chunk and shared == one_chunk for chunks, shared, _ in seen)
    # The same table as reading every cell as text (a quoted cell makes the reader do that).
    quoted = load({A: text.replace("P00001,", '"P00001",', 1)})
    pd.testing.assert_frame_equal(ds.assessments, quoted.assessments)
    a = ds.assessments
    assert a["value"].isna().sum() == 0  # empty cells are not scores
    assert (a["measure"] == "phq9").sum() == 20_000 - sum(i % 28 == 27 for i in range(20_000))
