"""The load report's counts add up for a clinician (the file table and the list of exclusions), workbook tables are
named by their workbook and sheet, and the import preview's days and patient order read as a person expects."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from analysis import load_files
from analysis.cli import format_report
from analysis.io.workbooks import sheet_origins
from analysis.present.formatting import day_text, natural_order


def infusion_book() -> bytes:
    """12 patients, two infusions each, pre 8 and post 4; one NRS of 14 (line 5) and one row without a patient."""
    rows = [{"Patient": f"P{i}", "Infusion date": d, "Drug": "Ketamine", "Pain before": 8, "Pain after": 4}
            for i in range(1, 13) for d in ("2024-03-04", "2024-04-01")]
    rows[3]["Pain before"] = 14
    rows.append({"Patient": None, "Infusion date": "2024-03-05", "Drug": "Ketamine", "Pain before": 7, "Pain after": 3})
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        pd.DataFrame(rows).to_excel(w, sheet_name="Infusions", index=False)
    return buf.getvalue()


def test_rows_excluded_and_rows_used_with_a_value_excluded_add_up_to_the_rows_the_list_names():
    """The file table said 'rows excluded 1' above 'Excluded rows (2)': one row without a patient is excluded, the
    row with an NRS of 14 is used (its post-infusion score) with that value excluded."""
    rep = load_files({"log.xlsx": infusion_book()}).report
    table = rep.row_table().iloc[0]
    assert (table["rows read"], table["rows used"], table["rows excluded"]) == (25, 24, 1)
    assert table["rows used with a value excluded"] == 1
    listed = len(rep.exclusions[["file", "line"]].drop_duplicates())
    assert table["rows excluded"] + table["rows used with a value excluded"] == listed == 2
    assert table["rows used"] + table["rows excluded"] == table["rows read"]
    assert rep.exclusions_heading().startswith("Excluded rows and values (2 rows: 1 excluded, 1 used with a value "
                                               "excluded;")
    cli = format_report(load_files({"log.xlsx": infusion_book()}))
    assert "Excluded rows and values (2 rows: 1 excluded, 1 used" in cli


def test_the_heading_stays_excluded_rows_when_every_row_listed_is_excluded_whole():
    sheet = b"Patient,Date,Treatment,NRS\nA,2024-03-01,,8\nA,2024-03-04,Ketamine,\n,2024-03-05,,5\nA,2024-04-01,,4\n"
    rep = load_files({"visits.csv": sheet}).report
    assert rep.exclusions_heading() == "Excluded rows (1)"
    assert rep.row_table()["rows used with a value excluded"].tolist() == [0]


def test_a_workbook_table_is_named_by_its_workbook_and_sheet():
    rep = load_files({"log.xlsx": infusion_book()}).report
    assert sheet_origins(rep.notes) == {"log.csv": "log.xlsx, sheet 'Infusions'"}
    assert sheet_origins(["visits.csv: 3 column(s) not in the mapping were ignored."]) == {}


def test_a_score_an_hour_after_the_infusion_shows_its_hours_not_a_fraction_of_a_day():
    assert day_text([0, 1 / 24, 28, 0.5 + 30 / 1440, np.nan, -0.25, 2.0]) == [
        "0", "0 + 1 h", "28", "0 + 12 h 30 min", "", "0 - 6 h", "2"]


def test_patients_are_listed_by_the_numbers_in_their_ids():
    assert natural_order(["1", "10", "11", "2"]) == ["1", "2", "10", "11"]
    assert natural_order(["C-10", "C-2", "C-001"]) == ["C-001", "C-2", "C-10"]
