"""The sidebar's choices are kept outside the widgets' own state (dashboard/state.py, ``_KEPT``).

A CI run of the browser test showed, after an upload and a page change, a responder threshold of 5%
and a baseline window of 0 days (the widgets' minimums), and every number on the page used them. The
cause: the widgets were drawn without ``value=`` and, after the first run, without their value in
the message to the browser (``set_value`` false). When the browser had dropped its copy of a widget's
value (a run cut short while the upload was read), it took the widget's ``default``, which Streamlit
sets to the minimum, and sent it back as the user's choice. Now every run sends the kept value, and
the default is the definition's default.
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def _app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("content/pain_relief.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption])


DEFINITION_WIDGETS = {("slider", "def_threshold"): [30.0], ("number_input", "def_baseline"): 14.0,
                      ("number_input", "def_immediate"): 2.0, ("number_input", "def_followup"): 182.0,
                      ("number_input", "def_min"): 5}


def test_every_run_sends_each_widget_its_kept_value_and_the_definitions_default():
    at = _app()
    at.sidebar.slider(key="def_threshold").set_value(40.0).run()
    at.sidebar.number_input(key="def_baseline").set_value(21.0).run()
    at.run()                                                   # a run in which nothing changed
    for (kind, key), default in DEFINITION_WIDGETS.items():
        proto = getattr(at.sidebar, kind)(key=key).proto
        assert proto.set_value, key                            # the browser is told the value every run
        assert (list(proto.default) if kind == "slider" else proto.default) == default, key
    assert list(at.sidebar.slider(key="def_threshold").proto.value) == [40.0]
    assert at.sidebar.number_input(key="def_baseline").proto.value == 21.0
    for kind, key in (("multiselect", "grp_by"), ("multiselect", "flt_treatment"), ("selectbox", "def_ci"),
                      ("checkbox", "def_first"), ("checkbox", "def_retx")):
        assert getattr(at.sidebar, kind)(key=key).proto.set_value, key
    assert "relief >= 40%" in _text(at) and "from 21 days before the start" in _text(at)


def test_choices_survive_a_page_change():
    at = _app(thr="45", bw="10")
    at.switch_page("content/relief_duration.py").run()
    at.switch_page("content/pain_relief.py").run()
    assert "relief >= 45%" in _text(at) and "from 10 days before the start" in _text(at)


def test_an_emptied_number_field_means_the_default_window_not_the_minimum():
    at = _app(bw="21")
    at.sidebar.number_input(key="def_baseline").set_value(None).run()   # the field left empty
    assert not at.exception
    assert "from 14 days before the start" in _text(at)                  # Definitions() default
    assert "from 0 days before the start" not in _text(at)


def test_reset_returns_every_choice_to_its_default():
    at = _app(thr="45", bw="10", by="sex")
    at.sidebar.button[0].click().run()
    text = _text(at)
    assert "relief >= 30%" in text and "from 14 days before the start" in text
    assert at.sidebar.slider(key="def_threshold").value == 30.0
    assert "thr" not in at.query_params and "bw" not in at.query_params


def _upload(at: AppTest, files: dict[str, bytes]) -> None:
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([(n, b, "text/csv") for n, b in files.items()]).run()


def _cohort(sites: str, identifier: bool = False) -> dict[str, bytes]:
    n = 40
    a = b"patient_id,day,pain_nrs\n" + b"".join(f"Q{i},-1,8\nQ{i},1,{i % 9}\n".encode() for i in range(n))
    t = b"patient_id,day,treatment\n" + b"".join(f"Q{i},0,ketamine_iv\n".encode() for i in range(n))
    p = ("patient_id,site" + (",patient_name" if identifier else "") + "\n").encode() + b"".join(
        f"Q{i},{sites.split()[i % 2]}{f',Name{i} Smith' if identifier else ''}\n".encode() for i in range(n))
    return {"assessments.csv": a, "treatments.csv": t, "patients.csv": p}


def test_a_grouping_survives_a_dataset_that_fails_to_load_and_returns_with_one_that_has_it():
    at = _app()
    at.sidebar.multiselect(key="grp_by").set_value(["treatment", "site"]).run()
    _upload(at, _cohort("A B", identifier=True))              # refused by the identifier guard
    assert at.error
    at.checkbox(key="_w_drop").check().run()                  # loads, without patient_name, with site
    assert not at.error and not at.exception
    assert at.session_state["ctx"].by == ("treatment", "site")


def test_a_new_dataset_starts_its_covariate_filters_from_all_its_values():
    at = _app()
    at.sidebar.multiselect(key="flt_covs").set_value(["site"]).run()
    at.sidebar.multiselect(key=f"flt_cov_site").set_value([at.sidebar.multiselect(key="flt_cov_site").options[0]]).run()
    _upload(at, _cohort("Lyon Paris"))
    assert at.session_state["ctx"].filters == {"site": ["Lyon", "Paris"]}
    at.switch_page("content/overview.py").run()
    assert at.metric[0].value == "40"


def test_a_filter_taken_off_and_put_back_starts_from_all_values():
    at = _app()
    at.sidebar.multiselect(key="flt_covs").set_value(["site"]).run()
    levels = at.sidebar.multiselect(key="flt_cov_site").options
    at.sidebar.multiselect(key="flt_cov_site").set_value(levels[:1]).run()
    at.sidebar.multiselect(key="flt_covs").set_value([]).run()
    at.sidebar.multiselect(key="flt_covs").set_value(["site"]).run()
    assert at.sidebar.multiselect(key="flt_cov_site").value == levels


def test_a_value_twice_in_the_address_counts_once():
    at = _app(fcov="sex,sex", by="sex,sex")
    assert not at.exception
    assert at.session_state["ctx"].by == ("sex",)
