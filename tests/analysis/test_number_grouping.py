"""Doses written with a thousands separator (analysis/io/number_grouping.py): 1.200 in a German export and
1,200 in an American one are 1200 mg; a cell that reads either way is left out, never guessed."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.number_grouping import read_grouped_thousands


@pytest.mark.parametrize("cells, delimiter, decimal_comma, read, either", [
    (["1.200", "850", "1.450"], ";", None, ["1200", "850", "1450"], [False] * 3),      # ; : decimal commas
    (["1,200", "850"], ",", None, ["1200", "850"], [False] * 2),                        # , : decimal points
    (["1,200", "850", "1,450"], "\t", None, ["1,200", "850", "1,450"], [True, False, True]),  # tab: either way
    (["1,200", "0.5"], "\t", None, ["1200", "0.5"], [False] * 2),     # the column's 0.5: points are decimals
    (["1.200", "0,5"], "\t", None, ["1200", "0,5"], [False] * 2),     # the column's 0,5: commas are decimals
    (["1,200", "0,5"], "\t", None, ["1,200", "0,5"], [False] * 2),    # 1,200 is 1.2 there, read by the value rules
    (["1.200.000", "2,500,000"], "\t", None, ["1200000", "2500000"], [False] * 2),  # two groups: thousands only
    (["1,200"], "\t", False, ["1200"], [False]),                      # the mapping says decimal points
    (["1.200"], "\t", True, ["1200"], [False]),                       # ... or decimal commas
    (["0,125", "12.75", "850", "", "1,20"], "\t", None, ["0,125", "12.75", "850", "", "1,20"], [False] * 5),
    (["1.500", "0.75"], ";", None, ["1.500", "0.75"], [False] * 2),   # the column's 0.75 over the ; delimiter
    (["1.500", "0.75"], ";", True, ["1500", "0.75"], [False] * 2),    # ... but the mapping over both
    (["1.500", "0.750"], ";", None, ["1.500", "0.750"], [False] * 2), # 0.750: a decimal, three digits or not
    (["1.500", "2.000", "0.750"], "|", None, ["1.500", "2.000", "0.750"], [False] * 3),
])
def test_groups_of_three_digits_are_thousands_where_the_file_says_which_separator_is_decimal(
        cells, delimiter, decimal_comma, read, either):
    out, ambiguous = read_grouped_thousands(np.array(cells, dtype=object), delimiter, decimal_comma)
    assert out.tolist() == read and ambiguous.tolist() == either


def test_a_german_export_with_thousands_dots_gives_the_doses_in_milligrams():
    sheet = ("Patient;Infusionsdatum;Medikament;Gesamtdosis (mg);NRS vor;NRS nach\n"
             "G1;04.03.2024;Ketamin;1.200;8;4\nG2;11.03.2024;Ketamin;850;6;5\nG3;18.03.2024;Ketamin;1.450;9;3\n")
    ds = load_files({"Ketamin.csv": sheet.encode("cp1252")})
    assert ds.treatments.sort_values("patient_id")["dose"].tolist() == [1200.0, 850.0, 1450.0]


def test_a_tab_separated_export_whose_doses_read_either_way_leaves_them_out_with_a_note():
    sheet = ("Patient\tInfusion start\tDrug\tTotal dose (mg)\tPre NRS\tPost NRS\n"
             "U1\t3/4/2024\tKetamine\t1,200\t8\t4\nU2\t3/13/2024\tKetamine\t850\t6\t5\n")
    ds = load_files({"register.txt": sheet.encode()})
    assert ds.treatments.sort_values("patient_id")["dose"].tolist() == pytest.approx([np.nan, 850.0], nan_ok=True)
    assert any("read either as thousands" in n and "'1,200'" in n for n in ds.report.notes)


def test_the_files_scores_say_which_separator_is_the_decimal_one():
    """';' and decimal points: pain 7.5 says '.' is the decimal separator, so the dose 1.500 is 1.5 mg/kg (it
    was read as 1500); the same with pain 7,5 makes 1.200 mg 1200."""
    points = ("Patient;Infusion date;Drug;Dose (mg/kg);Pain before;Pain after\nP01;2024-03-04;Lidocaine;1.500;7.5;4.5\n"
              "P02;2024-03-05;Lidocaine;2.000;7;3.5\n")
    assert load_files({"s.csv": points.encode()}).treatments.sort_values("patient_id")["dose"].tolist() == [1.5, 2.0]
    commas = ("Patient\tInfusion date\tDrug\tDose (mg)\tPain before\tPain after\nP01\t04.03.2024\tKetamin\t1.200\t7,5\t4,5\n"
              "P02\t05.03.2024\tKetamin\t950\t6\t5\n")
    assert load_files({"s.txt": commas.encode()}).treatments.sort_values("patient_id")["dose"].tolist() == [1200.0, 950.0]
