"""Which column is a score, and when: the rules of analysis/io/score_columns.py as a clinic's export meets them.

* A REDCap calculated total (``sum([phq9_1],...,[phq9_9])``) beside the questionnaire's complete items is not
  read: the items are summed by the questionnaire's rule (REDCap's sum() skips blanks and adds the choices'
  codes, 1-4 in many projects).
* Of several pain columns, none is the total of the others because its name says "score": pain has no items.
  The pain now ('Pain score', 'Pain right now') is read beside worst, least, average ... pain, which are left out.
* A number that is minutes ('30m'), a recall period ('Worst pain 24h') or '24/7' is no visit; a lone column
  named for a visit counts from a treatment's date, never from a row's own visit date.
* A score column named for its visit ('PGIC 4 wk', 'VAS 1 wk (mm)', 'NRS 6/52') is placed at that visit, also
  alone; a VAS in mm is never the 0-10 NRS.
* Visit words the proposal cannot read are asked about as visits, never with the advice to keep one column.

Every expected value is worked out by hand from the rows written here.
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.io.propose import inspect
from analysis.io.score_columns import visit_of
from analysis.summary import summarize

DICT_HEADER = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, '
               'OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min",'
               '"Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?",'
               '"Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?",'
               '"Field Annotation"')
BASE = ["record_id,visit,,text,Record ID,,,,,,,,,,,,,",
        "visit_date,visit,,text,Visit date,,,date_ymd,,,,,,,,,,"]
INFUSION = ["inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,"]
SUM = '"sum([phq9_1],[phq9_2],[phq9_3],[phq9_4],[phq9_5],[phq9_6],[phq9_7],[phq9_8],[phq9_9])"'
ITEMS = ",".join(f"phq9_{i}" for i in range(1, 10))


def _redcap(fields: list[str], rows: list[str]) -> dict[str, bytes]:
    return {"Proj_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
            "Proj_DataDictionary_2024-05-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}


def _phq9_project(first_code: int, total_type: str, item_rows: list[tuple[str, str]]) -> dict[str, bytes]:
    """Items phq9_1..9 as radios whose answers are coded from ``first_code``, and ``phq9_total`` of the field
    type ``total_type`` (``calc`` or ``text``). ``item_rows``: (record 1's items and total, record 2's)."""
    c = first_code
    answers = (f'"{c}, Not at all | {c + 1}, Several days | {c + 2}, More than half the days | {c + 3}, '
               'Nearly every day"')
    total = (f"phq9_total,visit,,calc,PHQ-9 total score,{SUM},,,,,,,,,,,," if total_type == "calc" else
             "phq9_total,visit,,text,PHQ-9 total score,,,integer,0,27,,,,,,,,")
    fields = BASE + [f"phq9_{i},visit,,radio,PHQ-9 item {i},{answers},,,,,,,,,,,," for i in range(1, 10)] + \
        [total] + INFUSION
    rows = [f"record_id,redcap_event_name,visit_date,{ITEMS},phq9_total,visit_complete,inf_date,infusion_complete",
            f"1,baseline_arm_1,2024-03-01,{item_rows[0]},2,,", "1,infusion_arm_1,,,,,,,,,,,,,2024-03-04,2",
            f"2,baseline_arm_1,2024-03-10,{item_rows[1]},2,,", "2,infusion_arm_1,,,,,,,,,,,,,2024-03-11,2"]
    return _redcap(fields, rows)


def _phq9(ds) -> list:
    a = ds.assessments
    return a.loc[a["measure"] == "phq9", ["patient_id", "day", "value"]].sort_values("patient_id").values.tolist()


def _columns(files: dict) -> dict:
    return {c.header: c for fp in inspect(files).files for c in fp.columns}


# A. A REDCap calculated total beside the complete items ------------------------------------------------------

def test_a_redcap_calc_total_over_blank_items_is_not_a_score():
    """Record 1 answered items 1 and 2 (3, 3) and left seven blank; REDCap's sum() skips blanks, so the calc
    holds 6. By the documented rule (no prorating) that is no PHQ-9: the row is listed with its reason.
    Record 2 answered every item 2: 9 x 2 = 18, at day -1 (2024-03-10, the day before the infusion)."""
    files = _phq9_project(0, "calc", ("3,3,,,,,,,,6", "2,2,2,2,2,2,2,2,2,18"))
    p = inspect(files)
    assert not p.review
    cols = _columns(files)
    assert cols["phq9_total"].column.role == "ignore"
    assert all(cols[f"phq9_{i}"].column.role == "sum_item" for i in range(1, 10))
    assert any("REDCap calculated field 'phq9_total'" in n and "skipping blanks" in n for n in p.notes)
    ds = load_files(files)
    assert _phq9(ds) == [["2", -1.0, 18.0]]
    ex = ds.report.exclusions
    assert ex[["line", "column"]].values.tolist() == [[2, "phq9_3"]]
    assert ex["reason"].iloc[0].startswith("2 of 9 items of phq9 answered ('phq9_3' is empty)")


def test_a_redcap_calc_total_over_items_coded_1_to_4_is_not_nine_too_many():
    """Choices '1, Not at all | ... | 4, Nearly every day': record 1's codes 3,3,2,4,3,2,2,1,2 are the answers
    2,2,1,3,2,1,1,0,1 = 13 (the calc, summing codes, holds 22); record 2's codes all 3 are answers all 2 = 18
    (calc 27)."""
    files = _phq9_project(1, "calc", ("3,3,2,4,3,2,2,1,2,22", "3,3,3,3,3,3,3,3,3,27"))
    assert not inspect(files).review
    ds = load_files(files)
    assert _phq9(ds) == [["1", -3.0, 13.0], ["2", -1.0, 18.0]]
    assert ds.report.exclusions.empty


def test_a_typed_total_beside_its_items_is_still_the_score():
    """A total typed into a text field is the clinic's own number: read as written (6 and 18), the items
    ignored, as before."""
    files = _phq9_project(0, "text", ("3,3,,,,,,,,6", "2,2,2,2,2,2,2,2,2,18"))
    cols = _columns(files)
    assert cols["phq9_total"].column.role == "measure"
    assert {cols[f"phq9_{i}"].column.role for i in range(1, 10)} == {"ignore"}
    assert _phq9(load_files(files)) == [["1", -3.0, 6.0], ["2", -1.0, 18.0]]


def test_a_redcap_calc_beside_items_that_do_not_read_as_answers_is_asked_about():
    """Items coded 1-4 whose labels are not the questionnaire's answers ('1, Never' ...): three of their 18
    values are 4, not items 0-3, and the calc (20 and 9) may sum codes. Neither is trusted: a point to review
    naming the field."""
    files = _phq9_project(1, "calc", ("4,4,1,4,2,1,1,1,2,20", "1,1,1,1,1,1,1,1,1,9"))
    dictionary = files["Proj_DataDictionary_2024-05-01.csv"].decode().replace("Not at all", "Never").replace(
        "Several days", "Rarely").replace("More than half the days", "Often").replace("Nearly every day", "Always")
    files["Proj_DataDictionary_2024-05-01.csv"] = dictionary.encode()
    review = inspect(files).review
    assert len(review) == 1
    assert "'phq9_total' is a REDCap calculated field of phq9 beside its items" in review[0]
    assert "not all within 0-3" in review[0]


# B. Several pain columns: none is the total of the others -------------------------------------------------

def test_a_pain_column_named_score_is_not_the_total_of_the_other_pain_columns():
    """'pain_score_now' was kept as pain_nrs and 'pain_avg_week', 'pain_worst' ignored "as its items", for the word
    "score". Pain has no items: it is kept because it is the pain now (BPI's "Pain right now") and the two others
    are other questions about pain (average, worst), which the note names as left out."""
    fields = BASE + ["pain_avg_week,visit,,text,Average pain over the last 7 days,,,integer,0,10,,,,,,,,",
                     "pain_worst,visit,,text,Worst pain in the last 7 days,,,integer,0,10,,,,,,,,",
                     "pain_score_now,visit,,text,Pain right now,,,integer,0,10,,,,,,,,"] + INFUSION
    rows = ["record_id,redcap_event_name,visit_date,pain_avg_week,pain_worst,pain_score_now,visit_complete,inf_date,"
            "infusion_complete",
            "1,baseline_arm_1,2024-03-01,6,9,5,2,,", "1,infusion_arm_1,,,,,,2024-03-04,2",
            "1,week_4_arm_1,2024-04-01,3,5,2,2,,"]
    files = _redcap(fields, rows)
    p = inspect(files)
    assert not [r for r in p.review if "pain_nrs" in r]
    assert not any("ignored as its items" in n for n in p.notes)
    cols = _columns(files)
    assert [cols[h].column.role for h in ("pain_score_now", "pain_avg_week", "pain_worst")] == \
        ["measure", "ignore", "ignore"]
    assert any("'pain_score_now' (the pain now) is read as pain_nrs; 'pain_avg_week', 'pain_worst'" in n and
               "left out" in n for n in p.notes)
    # The pain now of 01/03 and 01/04, three days before and 28 days after the infusion of 04/03.
    assert _values(load_files(files), "pain_nrs") == [["1", -3.0, 5.0], ["1", 28.0, 2.0]]


def test_the_pain_now_is_read_beside_worst_and_least_pain():
    """A clinic's export with the pain now and two BPI questions: 'Pain score' was refused with "keep one";
    it is the score read (P1 7 on 10/01, 5 on 10/02: days 0 and 31), 'Worst pain', 'Least pain' left out."""
    files = _sheet("Patient ID,Visit date,Pain score,Worst pain,Least pain\n"
                   "P1,2024-01-10,7,9,4\nP1,2024-02-10,5,7,3\nP2,2024-01-11,6,8,2\nP2,2024-02-12,4,6,1\n")
    p = inspect(files)
    assert not p.review
    cols = _columns(files)
    assert [cols[h].column.role for h in ("Pain score", "Worst pain", "Least pain")] == ["measure", "ignore", "ignore"]
    assert _values(load_files(files), "pain_nrs") == [["P1", 0.0, 7.0], ["P1", 31.0, 5.0],
                                                      ["P2", 0.0, 6.0], ["P2", 32.0, 4.0]]


@pytest.mark.parametrize("others", ["Schmerz in Ruhe,Pain with activity,Pain at night",
                                    "Pain during the day,Douleur moyenne,Maximal pain"])
def test_the_pain_now_is_read_beside_pain_at_rest_with_activity_at_night(others):
    """'Current pain intensity (0-10)' (6, 4) is the pain now; the three others (5, 4, 3 on each row) are left out."""
    files = _sheet(f"Patient,Visit date,Current pain intensity (0-10),{others}\n"
                   "P1,2024-03-04,6,5,4,3\nP2,2024-03-11,4,5,4,3\n")
    assert not inspect(files).review
    assert _values(load_files(files), "pain_nrs") == [["P1", 0.0, 6.0], ["P2", 0.0, 4.0]]


@pytest.mark.parametrize("header", ["Pain score,Pain now", "Pain score,Worst pain,Pain last 7 days",
                                    "Pain score,Worst pain,Pain score left knee"])
def test_two_pain_nows_or_a_pain_column_of_another_kind_are_still_asked(header):
    """Two names of the pain now, or a column neither the pain now nor worst/least/average/...: which one is the
    measure is asked, as before."""
    n = header.count(",") + 1
    files = _sheet(f"Patient,Visit date,{header}\nP1,2024-03-04,{','.join(['5'] * n)}\n"
                   f"P2,2024-03-11,{','.join(['4'] * n)}\n")
    review = inspect(files).review
    assert len(review) == 1 and f"the columns {', '.join(repr(h) for h in header.split(','))} all look like " \
        "pain_nrs: keep one" in review[0]


def test_a_pain_goal_is_not_a_second_pain_score_without_the_word_score_deciding():
    """'Pain Goal' (3 on every row: the level the patient accepts) beside 'NRS': the NRS is the measurement;
    the goal is no second pain score."""
    files = _sheet("Patient,Visit date,NRS,Pain Goal\nP1,2024-03-04,8,3\nP1,2024-03-11,4,3\n"
                   "P2,2024-03-05,6,3\nP2,2024-03-12,5,3\n")
    cols = _columns(files)
    # A goal is no pain intensity (column_words.NOT_PAIN_INTENSITY): the same 3 for each patient, a covariate.
    assert (cols["NRS"].column.role, cols["Pain Goal"].column.role) == ("measure", "covariate")
    # A target named for another score is left out by score_columns._goals, with a note.
    files = _sheet("Patient,Visit date,NRS,Pain target\nP1,2024-03-04,8,3\nP1,2024-03-11,4,3\n"
                   "P2,2024-03-05,6,3\nP2,2024-03-12,5,3\n")
    assert _columns(files)["Pain target"].column.role == "ignore"
    assert any("'Pain target' names a goal or target" in n for n in inspect(files).notes)


# C. A score named for its visit is placed at it, also alone --------------------------------------------------

def _sheet(text: str) -> dict[str, bytes]:
    return {"sheet.csv": text.encode()}


def _values(ds, measure: str) -> list:
    a = ds.assessments
    return a.loc[a["measure"] == measure, ["patient_id", "day", "value"]].sort_values(
        ["patient_id", "day"]).values.tolist()


def test_a_lone_visit_column_is_placed_at_its_visit():
    """'PGIC 4 wk' is the only PGIC column: it was at the infusion day (day 0); it is day 28, as 'NRS 4 wk' is.
    The infusions (04/03 and 11/03) are each patient's day 0."""
    files = _sheet("Patient,Infusion date,NRS baseline,NRS 4 wk,PHQ-9 baseline,PHQ-9 3 mo,PGIC 4 wk\n"
                   "P1,2024-03-04,8,4,14,9,2\nP2,2024-03-11,6,5,10,8,3\n")
    assert _columns(files)["PGIC 4 wk"].column.offset_days == 28
    ds = load_files(files)
    assert _values(ds, "pgic") == [["P1", 28.0, 2.0], ["P2", 28.0, 3.0]]
    assert _values(ds, "pain_nrs") == [["P1", 0.0, 8.0], ["P1", 28.0, 4.0], ["P2", 0.0, 6.0], ["P2", 28.0, 5.0]]
    assert _values(ds, "phq9") == [["P1", 0.0, 14.0], ["P1", 91.0, 9.0], ["P2", 0.0, 10.0], ["P2", 91.0, 8.0]]


@pytest.mark.parametrize("unit", [" (mm)", ""])
def test_a_vas_at_three_visits_is_one_scale_and_never_the_nrs(unit):
    """Only the 1-week column (5, 8) fits 0-10: it was read as pain_nrs at day 0 and the others under two names
    of their own. All three are one VAS, at days 0 (baseline, before the infusion), 7 and 28."""
    files = _sheet(f"Patient,Infusion date,VAS baseline{unit},VAS 1 wk{unit},VAS 4 wk{unit}\n"
                   "P1,2024-03-04,80,5,30\nP2,2024-03-11,70,8,40\n")
    ds = load_files(files)
    name = "vas_mm" if unit else "vas"
    assert set(ds.assessments["measure"]) == {name}
    assert _values(ds, name) == [["P1", 0.0, 80.0], ["P1", 7.0, 5.0], ["P1", 28.0, 30.0],
                                 ["P2", 0.0, 70.0], ["P2", 7.0, 8.0], ["P2", 28.0, 40.0]]


def test_a_recall_period_is_no_visit():
    """'NRS last 7 days' says what the score covers, not when it was taken: no offset."""
    files = _sheet("Patient,Infusion date,NRS last 7 days\nP1,2024-03-04,6\nP2,2024-03-11,5\n")
    assert _columns(files)["NRS last 7 days"].column.offset_days is None


# D. Visit words in other languages and shorthand -------------------------------------------------------------

@pytest.mark.parametrize("baseline,visit,days", [
    ("NRS vorher", "NRS 4 Wochen", 28), ("NRS voor", "NRS 4 weken", 28), ("NRS voor", "NRS 3 maanden", 91),
    ("NRS basal", "NRS 4 semanas", 28), ("NRS basal", "NRS 3 meses", 91), ("NRS baseline", "NRS 6/52", 42),
    ("NRS baseline", "NRS 3/12", 91), ("NRS baseline", "NRS 1 yr", 365), ("NRS T0", "NRS M3", 91), ("NRS T0", "NRS 3 mo", 91),
    ("NRS baseline", "NRS 5/7", 5)])
def test_visit_words_of_other_languages_and_shorthand_are_read(baseline, visit, days):
    """Weeks x 7; months x 365.25/12 rounded (3 -> 91); a year 365.25 rounded (365); 6/52 is 6 weeks, 3/12
    3 months. Before: refused with the advice to keep one column, or the visit read at the infusion day."""
    files = _sheet(f"Patient,Infusion date,{baseline},{visit}\nP1,2024-03-04,8,4\nP2,2024-03-11,6,5\n")
    assert not inspect(files).review
    cols = _columns(files)
    assert (cols[baseline].column.timing, cols[baseline].column.offset_days) == ("before_start", None)
    assert (cols[visit].column.timing, cols[visit].column.offset_days) == ("at", days)
    assert _values(load_files(files), "pain_nrs") == [["P1", 0.0, 8.0], ["P1", float(days), 4.0],
                                                      ["P2", 0.0, 6.0], ["P2", float(days), 5.0]]


def test_visits_beside_two_infusion_dates_are_asked_as_visits_not_keep_one():
    files = _sheet("Patient,Date infusion 1,Date infusion 2,NRS baseline,NRS 1 wk,NRS 4 wk\n"
                   "P1,2024-03-04,2024-03-05,8,4,5\nP2,2024-03-11,2024-03-12,6,5,4\n")
    review = inspect(files).review
    assert len(review) == 1 and "keep one as the measure" not in review[0]
    assert review[0].startswith("sheet.csv: the columns 'NRS 1 wk', 'NRS 4 wk' are pain_nrs at the visits their "
                                "names say ('NRS 1 wk' 7 days after, 'NRS 4 wk' 28 days after)")
    assert "('Date infusion 1', 'Date infusion 2')" in review[0] and "\"offset_days\"" in review[0]


def test_visits_whose_days_are_not_written_are_asked_for_their_days():
    """'T1', 'T2' number visits, not days: the columns are one score at two visits, whose days are asked."""
    files = _sheet("Patient,Infusion date,NRS T1,NRS T2\nP1,2024-03-04,8,4\nP2,2024-03-11,6,5\n")
    review = inspect(files).review
    assert len(review) == 1 and "keep one as the measure" not in review[0]
    assert review[0].startswith("sheet.csv: the columns 'NRS T1', 'NRS T2' look like pain_nrs at different visits, "
                                "but their names do not say all of their days: give each column the day of its "
                                "visit, \"offset_days\" (days after 'Infusion date'")


def test_alternative_columns_of_one_score_are_still_advised_to_keep_one():
    files = _sheet("Patient,Infusion date,NRS left,NRS right\nP1,2024-03-04,8,4\nP2,2024-03-11,6,5\n")
    review = inspect(files).review
    assert len(review) == 1 and "keep one as the measure" in review[0]


# E. An infusion log with a score the day after each infusion ----------------------------------------------

LOG = ("Patient,Date,Treatment,NRS pre,NRS post,NRS 24h\n"
       "P1,2024-03-04,Ketamine,7,5,6\nP1,2024-04-05,Ketamine,7,6,6\n"
       "P2,2024-03-11,Ketamine,6,4,5\nP2,2024-04-12,Ketamine,6,5,5\n")


def test_a_score_24_hours_after_each_infusion_is_placed_the_day_after():
    cols = _columns(_sheet(LOG))
    assert (cols["NRS 24h"].column.timing, cols["NRS 24h"].column.offset_days) == ("at", 1.0)
    assert cols["NRS pre"].column.timing == "before_start" and cols["NRS post"].column.timing == "after_start"


def test_an_infusion_log_with_a_24_hour_score_loads():
    """Each row an infusion: P1's 04/03 and 05/04 are 32 days apart (two courses, days 0 and 32); the 24-hour
    scores are days 1 and 33."""
    ds = load_files(_sheet(LOG))
    assert [d for p, d, v in _values(ds, "pain_nrs") if p == "P1" and d == int(d)] == [0.0, 1.0, 32.0, 33.0]


# F. Numbers in a header that are no visit ---------------------------------------------------------------------

@pytest.mark.parametrize("header,read", [
    ("Pain 30m post", None), ("NRS 5m", None), ("Pain 6 m walk", None),  # minutes or metres: 'm' alone is no month
    ("NRS M3", ("at", 91.0)), ("NRS 3 mo", ("at", 91.0)), ("NRS 3 months", ("at", 91.0)),
    ("Worst pain 24h", None), ("Pain 24h average", None), ("Average pain 7d", None),  # what the score sums up
    ("Douleur moyenne 7 jours", None), ("Dolor promedio 7 días", None), ("Durchschnittlicher Schmerz 7 Tage", None),
    ("Worst pain week 4", ("at", 28.0)),  # a visit named unit first is no period
    ("NRS 24/7", None), ("NRS 5/7", ("at", 5.0)), ("NRS 7/10", None),  # 24/7: always; x/7 only 1-6 days
    ("NRS 1.5h", ("at", 0.0625)), ("NRS 1.5 wk", None),  # 1.5 h = 1.5/24 days, not 5 h; 1.5 weeks: which day?
    # minutes written out: a nerve block's 15- and 30-minute scores are two times (they were one measure twice,
    # refused for review 'keep one'); never a walk test
    ("Pain 15 min", ("at", 15 / 1440)), ("Pain 30 min", ("at", 30 / 1440)), ("NRS 30 minutes post", ("at", 30 / 1440)),
    ("6 min walk (m)", None), ("Distance 6 min walk test", None)])
def test_what_a_header_says_of_its_visit(header, read):
    assert visit_of(header) == read


def test_a_score_30_minutes_after_each_infusion_is_a_post_score_not_month_30():
    """'Pain 30m post' was read as month 30 (day 913). It is the post score: after the infusion, by
    courses.post_offset_hours (1 hour: minute 60 of day 0). The infusions of 10/01 and 11/01 are one course (day 0)."""
    files = _sheet("Patient ID,Infusion date,Ketamine dose (mg),Pain pre,Pain 30m post\n"
                   "P1,2024-01-10,100,7,5\nP1,2024-01-11,100,6,4\nP2,2024-01-11,100,6,3\nP2,2024-01-12,100,5,3\n")
    cols = _columns(files)
    assert (cols["Pain 30m post"].column.timing, cols["Pain 30m post"].column.offset_days) == ("after_start", None)
    minutes = [[p, round(d * 24 * 60), v] for p, d, v in _values(load_files(files), "pain_nrs")]
    assert minutes == [["P1", 0, 7.0], ["P1", 60, 5.0], ["P1", 1440, 6.0], ["P1", 1500, 4.0],
                       ["P2", 0, 6.0], ["P2", 60, 3.0], ["P2", 1440, 5.0], ["P2", 1500, 3.0]]


@pytest.mark.parametrize("date,score", [("Visit date", "Worst pain 24h"), ("Visit date", "NRS 24h"),
                                        ("Infusion date", "Pain 24h average"), ("Infusion date", "Average pain 7d")])
def test_a_recall_period_or_a_lone_column_in_a_visit_log_is_read_at_the_rows_date(date, score):
    """Each row is scored on its own date: P1 on 10/01 and 10/02 (days 0 and 31), P2 on 11/01 and 12/02 (0, 32).
    'Worst pain 24h' had moved to the next day and 'Average pain 7d' would have moved 7 days. A lone 'NRS 24h'
    beside a 'Visit date' is no offset from it either: only a treatment's date is counted from."""
    files = _sheet(f"Patient ID,{date},PHQ-9 total,{score}\n"
                   "P1,2024-01-10,12,8\nP1,2024-02-10,10,6\nP2,2024-01-11,14,7\nP2,2024-02-12,9,5\n")
    assert _columns(files)[score].column.offset_days is None
    assert _values(load_files(files), "pain_nrs") == [["P1", 0.0, 8.0], ["P1", 31.0, 6.0],
                                                      ["P2", 0.0, 7.0], ["P2", 32.0, 5.0]]


def test_a_lone_24_hour_score_beside_the_infusion_date_is_the_day_after():
    """P1's infusions of 04/03 and 05/04 are two courses (days 0 and 32): the 24-hour scores are days 1 and 33."""
    files = _sheet("Patient,Infusion date,Ketamine dose (mg),NRS 24h\nP1,2024-03-04,100,6\nP1,2024-04-05,100,5\n"
                   "P2,2024-03-11,100,4\n")
    assert _values(load_files(files), "pain_nrs") == [["P1", 1.0, 6.0], ["P1", 33.0, 5.0], ["P2", 1.0, 4.0]]


@pytest.mark.parametrize("header, expected", [
    ("Worst pain 4 weeks", ("at", 28.0)), ("Average pain 3 months", ("at", 91.0)),  # visits after such a word
    ("Worst pain 24h", None), ("Average pain 7d", None), ("Pain 24h average", None)])  # periods the worst is over
def test_a_period_of_hours_or_a_week_after_worst_or_average_is_a_recall_a_longer_one_a_visit(header, expected):
    from analysis.io.score_columns import visit_of
    assert visit_of(header) == expected


def test_a_side_is_no_current_pain():
    """'NRS right' beside 'NRS worst': 'right' names a side, not 'right now': asked, not chosen."""
    files = _sheet("Patient,Visit date,NRS right,NRS worst\nP1,2024-03-04,8,9\nP1,2024-03-11,4,6\n"
                   "P2,2024-03-05,6,7\nP2,2024-03-12,5,6\n")
    assert any("all look like pain_nrs" in r or "keep one" in r for r in inspect(files).review)


@pytest.mark.parametrize("header, expected", [
    ("Average pain 1 week", None), ("Worst pain 1 wk", None), ("Worst pain 1/52", None),  # the week it is over
    ("Worst pain 6/52", ("at", 42.0)), ("Worst pain 6 weeks", ("at", 42.0))])  # a visit either way
def test_a_week_after_worst_or_average_is_a_recall_more_weeks_a_visit(header, expected):
    from analysis.io.score_columns import visit_of
    assert visit_of(header) == expected


def test_pain_right_now_written_with_underscores_is_the_current_pain():
    files = _sheet("Patient,Visit date,pain_right_now,pain_worst\nP1,2024-03-04,8,9\nP1,2024-03-11,4,6\n"
                   "P2,2024-03-05,6,7\nP2,2024-03-12,5,6\n")
    cols = _columns(files)
    assert (cols["pain_right_now"].column.role, cols["pain_worst"].column.role) == ("measure", "ignore")


def test_a_nerve_block_log_reads_its_15_and_30_minute_scores_as_two_times_after_the_block():
    """Stellate ganglion and lumbar sympathetic blocks with Pain Pre / 15 min / 30 min / 2 wk F/U: the immediate
    relief is the 15-minute score's (the first after the block). By hand: 6 -> 3 50%, 8 -> 6 25%, 5 -> 1 80%, 7 -> 7
    0%: 38.75%; week 2 is the 2-week follow-up. Before: refused, 'keep one' of the three pain columns."""
    rows = ["Pt ID,DOS,Time In,Procedure,Pain Pre,Pain 15 min,Pain 30 min,Pain 2 wk F/U"]
    for i, (pre, m15, m30, wk2) in enumerate([(6, 3, 2, 5), (8, 6, 5, 8), (5, 1, 1, 2), (7, 7, 6, 7)]):
        rows.append(f"B{i},03/{11 + i}/2024,{8 + i:02d}:00,Stellate Ganglion Block,{pre},{m15},{m30},{wk2}")
    ds = load_files({"blocks.csv": ("\n".join(rows) + "\n").encode()})
    b0 = sorted(d for p, d, v in _values(ds, "pain_nrs") if p == "B0")
    assert b0 == [0.0, pytest.approx(15 / 1440), pytest.approx(30 / 1440), 14.0]
    (g,) = summarize(ds, models=False).to_dict()["groups"]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((50 + 25 + 80 + 0) / 4)
