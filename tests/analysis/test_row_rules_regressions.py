"""Row rules of clinic exports the review of the first row fixes found wrong (docs/data-format.md).

* A score after the treatment written with its date only, beside a timed MAR in another file, is after that
  day's administration (not at midnight + the offset, before a 09:00 infusion, as the day's baseline).
"""
from __future__ import annotations

import pytest

from clinic_checks import check_rate, group, relief, scores
from analysis import load_files

COHORT = {"A": (8, 4, 5), "B": (6, 5, 6), "C": (10, 5, 8)}   # baseline, post, week 4
HOUR = 1 / 24


def _csv(rows: list) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def _mar() -> bytes:
    rows = ["Patient,Medication,Dose,Admin Time,Action"]
    for i, pid in enumerate(COHORT):
        day = f"2024-03-{4 + i:02d}"
        rows += [f"{pid},ketamine 500 mg in NS 500 mL,500,{day} 09:00,New Bag",
                 f"{pid},ketamine 500 mg in NS 500 mL,0,{day} 10:00,Rate Change",
                 f"{pid},ondansetron 4 mg,4,{day} 09:05,Given"]
    return _csv(rows)


def _scores(same_row: bool) -> bytes:
    """Date-only scores: 'Pain before' and 'Pain after' of the infusion's date on one row (``same_row``) or
    on two rows, then week 1 and week 4 in 'Pain before'."""
    rows = ["Patient,Date,Pain before,Pain after"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        day = f"04/03/2024".replace("04/", f"{4 + i:02d}/", 1)
        rows += [f"{pid},{day},{b},{p}"] if same_row else [f"{pid},{day},{b},", f"{pid},{day},,{p}"]
        rows += [f"{pid},{11 + i:02d}/03/2024,{p},", f"{pid},{1 + i:02d}/04/2024,{w4},"]
    return _csv(rows)


@pytest.mark.parametrize("same_row", [False, True])
def test_a_date_only_post_score_is_after_the_timed_administration_of_its_day(same_row):
    """Immediate relief by hand: A 8 -> 4 50%, B 6 -> 5 16.7%, C 10 -> 5 50%; week 4: A 37.5% (responder), B 0%,
    C 20%: 1 of 3. Before, the post score fell at 01:00, before the 09:00 New Bag: the baseline, and no
    immediate relief."""
    ds = load_files({"MAR_export.csv": _mar(), "Scores.csv": _scores(same_row)})
    g = group(ds)
    assert g["immediate_relief_pct"]["n"] == 3
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)
    a = ds.assessments[(ds.assessments["patient_id"] == "A")].sort_values("day")
    infusion = ds.treatments[ds.treatments["patient_id"] == "A"]["day"].min()
    before, after = a["day"].to_numpy()[:2]
    assert before < infusion < after   # pre at the day's midnight, post after the 09:00 start
