"""End-to-end: clinic exports uploaded through the import assistant in a real Chromium (issues 13, 14).

The server and browser fixtures are those of test_browser.py. A REDCap raw export with its data
dictionary (tests/analysis/clinic_export_shapes.py), uploaded as one zip, and a French clinic's
workbook (.xlsx with date cells, time cells and numbers: tests/analysis/test_workbooks.py), uploaded
as it is: the assistant shows what it detected; the Pain relief page then shows the immediate
responder rate that the analysis API computes from the same data. Screenshots go to
artifacts/screenshots/.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from test_browser import SHOTS, _no_errors, _upload, _open_in_app, _wait_for_text, _wait_idle, browser, server  # noqa: F401  (fixtures)

from analysis import Definitions, build_episodes, load_files, responder_rate
from analysis.present import formatting

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
import clinic_export_shapes as ces  # noqa: E402
from test_workbooks import SPREADSHEETS, _typed_rows, _xlsx  # noqa: E402


def _immediate_responders(ds, treatment: str) -> str:
    """The immediate responder rate (>= 30%) of ``treatment`` as the pages print it, from the API."""
    r = responder_rate(build_episodes(ds, Definitions()), by=["treatment"])
    row = r[r["treatment"] == treatment].iloc[0]
    return formatting.fmt_estimate(row.estimate, row.ci_low, row.ci_high).split(")")[0]


def _zipped(files: dict[str, bytes], path: Path) -> Path:
    """``files`` written as one zip at ``path`` (an export uploaded as a clinic would)."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def _through_the_assistant(server, browser, path: Path, detected: str, expected: str, name: str,
                           height: int) -> None:
    """Upload ``path``, wait for the assistant to say ``detected``, then find ``expected`` on Pain relief."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": height})
    _upload(page, server, path)
    page.get_by_role("heading", name="Import assistant").wait_for(timeout=60_000)
    page.get_by_text(f"Loaded: {path.name} (uploaded)").wait_for(timeout=60_000)
    _wait_idle(page)
    _no_errors(page)
    page.get_by_text(detected, exact=False).first.wait_for(timeout=10_000)
    page.screenshot(path=str(SHOTS / f"import_assistant_{name}.png"))
    if name == "redcap":
        page.screenshot(path=str(SHOTS / "import_assistant_top.png"), clip={"x": 0, "y": 0, "width": 1400, "height": 1500})
    _open_in_app(page, "Pain relief", "pain_relief")
    _no_errors(page)
    _wait_for_text(page, expected, "Pain relief", "pain_relief")
    page.screenshot(path=str(SHOTS / f"pain_relief_{name}.png"))
    page.close()


def test_redcap_export_through_the_import_assistant(server, browser, tmp_path):  # noqa: F811
    shape = ces.export_shape("redcap_raw", ces.make_cohort(30, seed=5))
    zpath = _zipped(shape.files, tmp_path / "redcap_export.zip")
    # What the page must show: the proposal's reading, as the API gives it.
    expected = _immediate_responders(load_files(shape.files), ces.KETAMINE)
    _through_the_assistant(server, browser, zpath, "redcap export", expected, "redcap", 3000)


def test_a_french_workbook_uploaded_as_it_is(server, browser, tmp_path):  # noqa: F811
    shape = ces.export_shape("spreadsheet_fr", ces.make_cohort(30, seed=5))
    (csv_name, csv_bytes), = shape.files.items()
    encoding, titles, date_col, fmt, time_col, text_cols, _ = SPREADSHEETS["spreadsheet_fr"]
    book = tmp_path / "Suivi_ketamine.xlsx"
    book.write_bytes(_xlsx({"Suivi": _typed_rows(csv_bytes, encoding, titles, date_col, fmt, time_col, text_cols)}))
    # What the page must show: the cohort's canonical files' number (the workbook must read as they do).
    expected = _immediate_responders(load_files(shape.canonical), "Kétamine IV")
    _through_the_assistant(server, browser, book, "the sheet 'Suivi' was read as Suivi_ketamine.csv", expected,
                           "workbook", 2400)


def test_a_redcap_export_without_dates_whose_events_name_time_points(server, browser, tmp_path):  # noqa: F811
    """A longitudinal REDCap project without any date field (events baseline_arm_1, week_1_arm_1, ...):
    uploaded with its dictionary as one zip, the events are read as time points and Pain relief shows the
    API's immediate responder rate."""
    rng = __import__("numpy").random.default_rng(12)
    rows = ["record_id,redcap_event_name,ketamine_given,nrs_pain,visit_complete"]
    for p in range(1, 25):
        base = int(rng.integers(6, 10))
        for event, pain in (("baseline_arm_1", base), ("day_1_arm_1", max(0, base - int(rng.integers(0, 6)))),
                            ("week_4_arm_1", max(0, base - int(rng.integers(0, 4))))):
            rows.append(f"{p},{event},{1 if event == 'baseline_arm_1' else ''},{pain},2")
    files = {"KetStudy_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "KetStudy_DataDictionary_2024-05-01.csv": (
                 "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
                 "\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number\n"
                 "record_id,visit,,text,Record ID,,,\nketamine_given,visit,,yesno,Ketamine infusion given,,,\n"
                 "nrs_pain,visit,,text,Pain NRS (0-10),,,integer\n").encode()}
    zpath = _zipped(files, tmp_path / "redcap_events.zip")
    expected = _immediate_responders(load_files(files), "Ketamine infusion")
    _through_the_assistant(server, browser, zpath, "its events name time points", expected, "redcap_events", 2400)


def test_a_workbook_with_one_sheet_per_patient(server, browser, tmp_path):  # noqa: F811
    """A small clinic's workbook with a tab per patient (no patient column): the assistant says the sheets
    were read as one table with the sheet names as ids, and Pain relief shows the API's responder rate."""
    import datetime as dt
    rng = __import__("numpy").random.default_rng(7)
    sheets = {}
    for p in range(1, 13):
        start = dt.datetime(2024, 3, 1) + dt.timedelta(days=int(rng.integers(0, 60)))
        base = int(rng.integers(6, 10))
        sheets[f"P{p:02d}"] = [["Date", "Time", "Treatment", "NRS"],
                               [start - dt.timedelta(days=2), dt.time(9, 0), None, base],
                               [start, dt.time(9, 0), "Ketamine", None],
                               [start, dt.time(15, 0), None, max(0, base - int(rng.integers(0, 6)))],
                               [start + dt.timedelta(days=28), dt.time(10, 0), None, max(0, base - int(rng.integers(0, 4)))]]
    book = tmp_path / "Ketamine patients.xlsx"
    book.write_bytes(_xlsx(sheets))
    expected = _immediate_responders(load_files({book.name: book.read_bytes()}), "Ketamine")
    _through_the_assistant(server, browser, book, "one sheet per patient", expected, "sheet_per_patient", 2400)


def _ehr_export(n: int = 12) -> dict[str, bytes]:
    """An Epic-style flowsheet and MAR: each patient's score before (08:30) and after (14:00) a 09:00 IV bag; P01's
    12:00 score of 1 is 'In Error' (read, P01 was a responder); P02 has an oral ketamine two weeks later
    (read as a course, it ended P02's first course's follow-up)."""
    flow = ["PAT_ID,RECORDED_TIME,FLOWSHEET_ROW_NAME,MEAS_VALUE,Result Status"]
    mar = ["PAT_ID,TAKEN_TIME,MEDICATION_NAME,ROUTE,MAR_ACTION,DOSE,DOSE_UNIT"]
    for i in range(1, n + 1):
        p, day = f"P{i:02d}", f"2024-03-{i:02d}"
        flow += [f"{p},{day}T08:30:00,Pain Score (0-10),8,Auth (Verified)",
                 f"{p},{day}T14:00:00,Pain Score (0-10),{4 + i % 5},Auth (Verified)"]
        mar.append(f"{p},{day}T09:00:00,ketamine 500 mg in NS 500 mL infusion,Intravenous,New Bag,500,mg")
    flow.append("P01,2024-03-01T12:00:00,Pain Score (0-10),1,In Error")
    mar.append("P02,2024-03-16T09:00:00,ketamine 10 mg/mL oral solution,Oral,Given,20,mg")
    return {"flowsheet.csv": ("\n".join(flow) + "\n").encode(), "mar.csv": ("\n".join(mar) + "\n").encode()}


def test_an_ehr_export_with_entry_statuses_and_routes(server, browser, tmp_path):  # noqa: F811
    files = _ehr_export()
    zpath = _zipped(files, tmp_path / "ehr_export.zip")
    ds = load_files(files)
    assert len(ds.treatments) == 12  # the oral dose is no course
    expected = _immediate_responders(ds, "Ketamine infusion")
    _through_the_assistant(server, browser, zpath, "EHR export", expected, "ehr", 3000)


def test_a_multi_arm_redcap_labels_export_whose_arms_are_the_treatments(server, browser, tmp_path):  # noqa: F811
    """A REDCap labels export of a two-arm project without a treatment field nor dates ('Week 4 (Arm 2:
    Lidocaine)'): the assistant lists 'redcap_arm' as the treatment and Pain relief shows each arm's immediate
    responder rate as the API gives it."""
    rng = __import__("numpy").random.default_rng(21)
    rows = ["Record ID,Event Name,Current pain (0-10),Complete?"]
    for p in range(1, 25):
        arm, name = (1, "Ketamine") if p % 3 else (2, "Lidocaine")
        base = int(rng.integers(6, 10))
        for event, pain in (("Baseline", base), ("Day 1", max(0, base - int(rng.integers(0, 6)))),
                            ("Week 4", max(0, base - int(rng.integers(0, 4))))):
            rows.append(f"{p},{event} (Arm {arm}: {name}),{pain},Complete")
    header = ("Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
              "\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number\n")
    files = {"KetLido_DATA_LABELS_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "KetLido_DataDictionary_2024-05-01.csv": (header + "record_id,pain,,text,Record ID,,,\n"
                                                       "nrs,pain,,text,Current pain (0-10),,,integer\n").encode()}
    zpath = _zipped(files, tmp_path / "redcap_arms.zip")
    expected = _immediate_responders(load_files(files), "Lidocaine")
    _through_the_assistant(server, browser, zpath, "each record's arm is read as its treatment", expected,
                           "redcap_arms", 2400)


def test_a_qualtrics_survey_beside_a_date_only_infusion_log(server, browser, tmp_path):  # noqa: F811
    """A Qualtrics export (its question-text and import-id lines under the header, a preview response, Q2_1 named
    by its question) with an infusion log of dates only: the assistant says the Qualtrics lines are not answers,
    and Pain relief shows the immediate responder rate the API gives (the survey before the infusion its baseline,
    the one after it the immediate score)."""
    rng = __import__("numpy").random.default_rng(5)
    lines = ['StartDate,EndDate,Status,Progress,Finished,RecordedDate,ResponseId,study_id,Q2_1',
             '"Start Date","End Date","Response Type",Progress,Finished,"Recorded Date","Response ID","Study ID",'
             '"Please rate your pain RIGHT NOW - Pain (0 = no pain, 10 = worst pain imaginable)"',
             ",".join(f'"{{""ImportId"":""{k}""}}"' for k in ("startDate", "endDate", "status", "progress", "finished",
                                                            "recordedDate", "_recordId", "QID5_TEXT", "QID2_1"))]
    log = ["Study ID,Infusion date,Drug"]
    for p in range(1, 19):
        day = f"2024-03-{p + 5:02d}"
        pre = int(rng.integers(6, 10))
        post = max(0, pre - int(rng.integers(0, 6)))
        for i, (hm, pain) in enumerate((("09:10", pre), ("14:40", post))):
            lines.append(f"{day} {hm}:00,{day} {hm}:59,0,100,1,{day} {hm}:59,R_{p:03d}{i}abcdEFGHijk,S{p:02d},{pain}")
        log.append(f"S{p:02d},{day},Ketamine")
    lines.append("2024-02-01 10:00:00,2024-02-01 10:01:00,1,100,1,2024-02-01 10:01:01,R_999Xabcdefghijk,test,0")
    files = {"CRPS_Survey_March 2024.csv": ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"),
             "infusion_log.csv": ("\n".join(log) + "\n").encode()}
    zpath = _zipped(files, tmp_path / "qualtrics.zip")
    expected = _immediate_responders(load_files(files), "Ketamine")
    _through_the_assistant(server, browser, zpath, "a Qualtrics export", expected, "qualtrics", 2400)
