"""A header that repeats a name (Excel's one block of columns per visit) is numbered as pandas numbers it."""
from __future__ import annotations

from analysis.io.headers import number_repeated
from analysis.io.tables import read_table


def table(header: str):
    return read_table("sheet.csv", f"{header}\nP1,2024-03-01,7,2024-03-08,5,x\n".encode())


def test_the_repeats_are_numbered_from_the_left_and_a_note_names_them():
    t = table("Patient,Visit date,NRS,Visit date,NRS,Note")
    note = number_repeated(t)
    assert t.header == ["Patient", "Visit date", "NRS", "Visit date.1", "NRS.1", "Note"]
    assert note == ("sheet.csv: the header repeats 'Visit date', 'NRS'; the repeats are read as 'Visit date.1', "
                    "'NRS.1' (numbered from the left, as a mapping file names them).")


def test_a_name_already_taken_is_skipped_as_pandas_does():
    t = table("Patient,NRS,NRS.1,NRS,x,y")
    number_repeated(t)
    assert t.header == ["Patient", "NRS", "NRS.1", "NRS.2", "x", "y"]


def test_a_header_without_repeats_is_left_as_it_is():
    t = table("Patient,Visit date,NRS,Date 2,NRS 2,Note")
    assert number_repeated(t) is None
    assert t.header == ["Patient", "Visit date", "NRS", "Date 2", "NRS 2", "Note"]
