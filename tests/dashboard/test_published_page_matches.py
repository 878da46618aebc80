"""Compare with published figures, for a clinic whose treatments are not named as the reference file names them.

The reference file's figures are for ``ketamine_iv`` (the demo's label). A review uploaded clinics whose ketamine
reads ``Ketamine infusion`` and saw every comparison "not available", with no way to say which treatment was the
ketamine infusion. The page matches by the drug's name, says which treatment it matched, and asks (a selectbox per
published treatment) when two treatments name the drug or none does.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
KEY = "pub_match_ketamine_iv"


def clinic(labels: list[str], n: int = 6) -> dict[str, bytes]:
    """``n`` patients per treatment label, pain 8 at baseline, 3 the day after and 4 at day 30."""
    rows, tx = ["patient_id,day,pain_nrs"], ["patient_id,day,treatment"]
    for j, label in enumerate(labels):
        for i in range(n):
            p = f"P{j}{i:02d}"
            rows += [f"{p},-1,8", f"{p},1,3", f"{p},30,4"]
            tx.append(f"{p},0,{label}")
    return {"assessments.csv": ("\n".join(rows) + "\n").encode(), "treatments.csv": ("\n".join(tx) + "\n").encode()}


def open_page(files: dict[str, bytes]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    at.file_uploader(key="_w_upload").set_value([("clinic.zip", buf.getvalue(), "application/zip")]).run()
    at.switch_page("content/published.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    return "\n".join(str(x.value) for x in [*at.markdown, *at.caption, *at.warning, *at.info])


def test_a_clinic_whose_treatment_is_ketamine_infusion_gets_its_comparisons_and_is_told_the_match():
    at = open_page(clinic(["Ketamine infusion", "Lidocaine infusion"]))
    table = at.table[0].value
    assert table["This dataset"].str.startswith("Ketamine infusion: ").all()
    assert not table["Verdict"].str.startswith("not available").all()
    assert ("The figures for 'ketamine_iv' are compared with your treatment 'Ketamine infusion': the one that "
            "names ketamine.") in page_text(at)
    box = at.selectbox(key=KEY)
    assert box.options[0] == "automatic: Ketamine infusion"
    assert {"Ketamine infusion", "Lidocaine infusion"} <= set(box.options)


def test_two_candidates_ask_and_the_choice_is_compared_and_kept_across_pages():
    at = open_page(clinic(["Ketamine 0.5 mg/kg", "Ketamine 1 mg/kg"]))
    assert "Which of your treatments do the figures for 'ketamine_iv' describe?" in page_text(at)
    assert at.table[0].value["Verdict"].str.startswith("not available").all()
    at.selectbox(key=KEY).set_value("Ketamine 1 mg/kg").run()
    assert not at.exception
    table = at.table[0].value
    assert table["This dataset"].str.startswith("Ketamine 1 mg/kg: ").all()
    assert not table["Verdict"].str.startswith("not available").all()
    assert "compared with your treatment 'Ketamine 1 mg/kg' (your choice)" in page_text(at)
    at.switch_page("content/overview.py").run()
    at.switch_page("content/published.py").run()
    assert at.selectbox(key=KEY).value == "Ketamine 1 mg/kg"
    assert at.table[0].value["This dataset"].str.startswith("Ketamine 1 mg/kg: ").all()


def test_no_candidate_is_said_in_words_and_a_treatment_can_still_be_chosen():
    at = open_page(clinic(["Lidocaine", "Special protocol"]))
    assert ("None of your treatments names ketamine (your treatments: 'Lidocaine', 'Special protocol'): the "
            "figures for 'ketamine_iv' are not compared.") in page_text(at)
    assert at.selectbox(key=KEY).options[0] == "automatic: none (choose one)"
    at.selectbox(key=KEY).set_value("Special protocol").run()
    assert at.table[0].value["This dataset"].str.startswith("Special protocol: ").all()
