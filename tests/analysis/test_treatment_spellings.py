"""Treatment names typed by hand that differ only in case or spacing are one treatment in a clinic export:
the courses are not split into groups of a few patients each."""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.courses import one_spelling


def test_the_most_frequent_spelling_names_the_treatment_and_ties_go_to_the_one_written_first():
    labels = np.array(["ketamine", "Ketamine", "KETAMINE", "Ketamine", "Lidocaine", "", "lidocaine  iv",
                       "Lidocaine IV"], dtype=object)
    out, merged = one_spelling(labels)
    # The bare 'Lidocaine' stays apart from the infusion labels (a warning says so); those two are one spelling.
    assert out.tolist() == ["Ketamine"] * 4 + ["Lidocaine", "", "lidocaine  iv", "lidocaine  iv"]
    assert merged == {"ketamine": "Ketamine", "KETAMINE": "Ketamine", "Lidocaine IV": "lidocaine  iv"}


def test_labels_that_already_differ_are_kept_as_they_are():
    labels = np.array(["Ketamine", "Lidocaine", "Ketamine booster"], dtype=object)
    out, merged = one_spelling(labels)
    assert out is labels and merged == {}


def test_a_sheet_with_three_spellings_of_one_drug_gives_one_treatment_and_says_so():
    files = {"s.csv": b"Patient,Date,Treatment,NRS\nA,2024-01-10,Ketamine,\nA,2024-01-09,,8\nA,2024-02-07,,4\n"
                      b"B,2024-02-01,ketamine,\nB,2024-01-31,,6\nB,2024-02-28,,5\n"
                      b"C,2024-03-01,KETAMINE ,\nC,2024-02-29,,9\nC,2024-03-28,,3\n"
                      b"D,2024-03-02,Ketamine,\nD,2024-03-01,,7\nD,2024-03-29,,7\n"}
    ds = load_files(files)
    assert ds.treatments["treatment"].tolist() == ["Ketamine"] * 4
    assert any("differ only in case, spacing, punctuation, word order, accents or the language of the drug's name are one treatment" in n and "'ketamine' -> 'Ketamine'" in n
               for n in ds.report.notes)
