"""SQL Server Management Studio's "Results to File": UTF-16 text with a BOM, column-aligned, a line of dashes
under the header, ``NULL`` for a missing value, and a footer (``(4 rows affected)``, ``Completion time: ...``).
Saved as ``.rpt`` (SSMS's default) or ``.txt``, it is read by its columns' widths (analysis/io/fixed_width.py);
the footer is listed as not data (docs/data-format.md, "SQL and database extracts").

Before: a ``.txt`` was read as a CSV whose one column was the whole header line, and a folder of ``.rpt`` files
was refused ("No CSV file was found").

Numbers by hand: P1 8 -> 4 (pre 09:10, infusion 09:30, post 13:00), P2 6 -> 3: immediate relief 50%, 50%.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io import fixed_width
from analysis.io.tables import read_table
from clinic_checks import group, relief


def _ssms(names: list[str], rows: list[list[str]], numeric: set) -> bytes:
    """Columns as SSMS pads them: each as wide as its widest value or name, numbers right-aligned."""
    widths = [max(len(n), *(len(r[k]) for r in rows)) for k, n in enumerate(names)]
    line = lambda cells: " ".join(c.rjust(w) if k in numeric and cells is not names else c.ljust(w)  # noqa: E731
                                  for k, (c, w) in enumerate(zip(cells, widths)))
    text = [line(names), " ".join("-" * w for w in widths)] + [line(r) for r in rows]
    text += ["", f"({len(rows)} rows affected)", "", "Completion time: 2024-06-03T10:22:31.4452214-05:00", ""]
    return "\r\n".join(text).encode("utf-16")  # with its BOM


def _export(ext: str = ".rpt") -> dict:
    sheet = _ssms(["PAT_ID", "DISP_NAME", "MEAS_VALUE", "RECORDED_TIME"],
                  [["P1", "Pain Score", "8", "2024-03-04 09:10:00.000"],
                   ["P1", "SpO2", "97", "2024-03-04 09:12:00.000"],
                   ["P1", "Pain Score", "4", "2024-03-04 13:00:00.000"],
                   ["P2", "Pain Score", "6", "2024-03-05 09:10:00.000"],
                   ["P2", "Pain Score", "3", "2024-03-05 13:00:00.000"]], numeric={2})
    mar = _ssms(["PAT_ID", "TAKEN_TIME", "MEDICATION_NAME", "MAR_ACTION", "DOSE", "INFUSION_RATE"],
                [["P1", "2024-03-04 09:30:00.000", "KETAMINE 500 MG/50 ML IV INFUSION", "New Bag", "50.00", "NULL"],
                 ["P2", "2024-03-05 09:30:00.000", "KETAMINE 500 MG/50 ML IV INFUSION", "New Bag", "50.00", "3.50"]],
                numeric={4, 5})
    return {f"flowsheet{ext}": sheet, f"mar{ext}": mar}


def test_a_line_of_dashes_gives_the_columns_and_the_values_lose_their_padding():
    t = read_table("mar.rpt", _export()["mar.rpt"])
    assert t.header == ["PAT_ID", "TAKEN_TIME", "MEDICATION_NAME", "MAR_ACTION", "DOSE", "INFUSION_RATE"]
    assert t.column(2).tolist() == ["KETAMINE 500 MG/50 ML IV INFUSION"] * 2
    assert t.column(4).tolist() == ["50.00", "50.00"] and t.column(5).tolist() == ["NULL", "3.50"]
    assert t.line.tolist() == [3, 4] and t.encoding == "utf-16" and "column-aligned" in t.describe()
    [(lines, why)] = t.set_aside
    assert lines.tolist() == [6, 8] and why == fixed_width.R_FOOTER


@pytest.mark.parametrize("ext", [".rpt", ".txt"])
def test_an_ssms_results_to_file_export_loads_with_its_footer_listed_as_not_data(ext):
    ds = load_files(_export(ext))
    g = group(ds)
    assert g["patients"] == 2 and g["episodes_used"] == 2
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 3)]))
    ex = ds.report.exclusions
    footer = ex[ex["reason"] == fixed_width.R_FOOTER]
    assert footer[["file", "line"]].values.tolist() == [[f"flowsheet{ext}", 9], [f"flowsheet{ext}", 11],
                                                        [f"mar{ext}", 6], [f"mar{ext}", 8]]


def test_psql_aligned_output_and_a_csv_are_not_read_as_column_aligned_text():
    assert fixed_width.find_rule(" id | nrs \n----+-----\n P1 |   8\n") is None
    assert fixed_width.find_rule("PAT_ID,NRS\n---,---\nP1,8\n") is None
    assert read_table("s.csv", b"PAT_ID,NRS\nP1,8\n").delimiter == ","
