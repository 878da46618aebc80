"""A clinic export's files are parsed once per load: the proposal's reading serves the reader too.

Specification: analysis/io/tables.py, ``read_once``; why: docs/performance.md ("The thirteenth session").
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import load_dataset
from analysis.io import tables
from analysis.io.tables import read_once, read_table

sys.path.insert(0, str(Path(__file__).parent))
import clinic_export_shapes as shapes  # noqa: E402

TITLED = ("Pain clinic report;;\nprinted 2024-06-01;;\nPatient;Datum;NRS\nP1;01.03.2024;7,5\nP1;08.03.2024;4\n"
          "P2;01.03.2024;6\nTotal;;\n").encode("cp1252")


def _same(a: tables.TextTable, b: tables.TextTable) -> None:
    assert a.header == b.header and a.header_row == b.header_row and a.skipped == b.skipped
    assert (a.encoding, a.delimiter, a.decimal_comma, a.two_row_header) == (b.encoding, b.delimiter, b.decimal_comma,
                                                                           b.two_row_header)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    np.testing.assert_array_equal(a.line, b.line)
    np.testing.assert_array_equal(a.below_table, b.below_table)
    assert a.notes == b.notes and a.labels == b.labels


@pytest.mark.parametrize("header_row", [None, 3])
@pytest.mark.parametrize("decimal_comma", [None, False])
def test_a_table_read_again_in_a_load_is_the_table_read_without_one(header_row, decimal_comma):
    with read_once():
        first = read_table("r.csv", TITLED)
        again = read_table("r.csv", TITLED, header_row=header_row, decimal_comma=decimal_comma)
    _same(again, read_table("r.csv", TITLED, header_row=header_row, decimal_comma=decimal_comma))
    _same(first, read_table("r.csv", TITLED))


def test_a_table_read_again_is_a_copy_the_first_readers_changes_do_not_reach():
    with read_once():
        first = read_table("r.csv", TITLED)
        first.header[0] = "changed"
        first.cells.iloc[0, 0] = "P9"
        first.notes.append("changed")
        again = read_table("r.csv", TITLED)
    assert again.header[0] == "Patient" and again.cells.iloc[0, 0] == "P1" and "changed" not in again.notes


def test_other_bytes_under_the_same_name_are_read_anew():
    with read_once():
        read_table("r.csv", TITLED)
        other = read_table("r.csv", TITLED.replace(b"7,5", b"3"))
    assert other.cells.iloc[0, 2] == "3"


def test_outside_a_load_nothing_is_kept():
    read_table("r.csv", TITLED)
    assert tables._READ.get() is None


@pytest.mark.parametrize("kind", ["flowsheet", "spreadsheet_de", "redcap_raw"])
def test_a_clinic_export_load_parses_each_of_its_files_once(kind, tmp_path, monkeypatch):
    parsed = []  # the files parsed in the load (a folder's single file is also looked at before it: its first lines)
    parse = tables._read_table
    monkeypatch.setattr(tables, "_read_table", lambda file, data, *a: (
        tables._READ.get() is not None and parsed.append(file)) or parse(file, data, *a))
    shape = shapes.export_shape(kind, shapes.make_cohort(30, seed=3))
    for name, data in shape.files.items():
        (tmp_path / name).write_bytes(data)
    once = load_dataset(tmp_path)
    assert sorted(parsed) == sorted(shape.files)
    monkeypatch.setattr(tables, "_READ", tables.ContextVar("off", default=None))  # every call parses: as before
    every_time = load_dataset(tmp_path)
    pd.testing.assert_frame_equal(once.assessments, every_time.assessments)
    pd.testing.assert_frame_equal(once.treatments, every_time.treatments)
    assert once.report.notes == every_time.report.notes and once.report.warnings == every_time.report.warnings
