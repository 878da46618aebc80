"""A covariate coded 1/2/3 (one cell empty) shows as "1", "2", "3" on the pages, never "1.0".

See tests/analysis/test_covariate_codes.py for the loader's rule and the numbers behind it."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")

A = "patient_id,day,pain_nrs\n" + "".join(f"P{i:02d},-1,8\nP{i:02d},1,{2 + i % 4}\nP{i:02d},14,{3 + i % 5}\n"
                                          for i in range(24))
T = "patient_id,day,treatment\n" + "".join(f"P{i:02d},0,{'ketamine_iv' if i % 2 else 'lidocaine_iv'}\n"
                                           for i in range(24))
P = "patient_id,site_code,age\n" + "".join(f"P{i:02d},{'' if i == 0 else 1 + i % 3},{30 + i}\n" for i in range(24))


def test_grouping_by_a_coded_site_shows_1_2_3_on_every_page():
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value(
        [(n, b.encode(), "text/csv") for n, b in
         (("assessments.csv", A), ("treatments.csv", T), ("patients.csv", P))]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "site_code" in at.sidebar.multiselect(key="grp_by").options
    at.sidebar.multiselect(key="grp_by").set_value(["site_code"]).run()
    at.sidebar.multiselect(key="flt_covs").set_value(["site_code"]).run()
    assert at.sidebar.multiselect(key="flt_cov_site_code").options == ["1", "2", "3", "(missing)"]
    at.switch_page("content/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("content/pain_relief.py").run()
    assert not at.exception, [e.value for e in at.exception]
    groups = set(at.table[0].value["site_code"].astype(str))  # as the page writes them
    assert groups <= {"1", "2", "3", "(missing)"} and "1" in groups
    for table in [*at.table, *at.dataframe]:
        assert "1.0" not in table.value.astype(str).to_numpy().ravel().tolist()
