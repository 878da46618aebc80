"""Covariates coded with whole numbers read as integers: a group is "1", never "1.0".

A clinic's patients file often codes a covariate with whole numbers (site 1/2/3, sex 1/2, a REDCap
raw export's choice codes). The loader reads a numeric covariate whose values are all whole numbers
as pandas' nullable ``Int64`` (an empty cell is ``<NA>``), so that Table 1, the groups of every
analysis, the sidebar's choices and the exported tables show "1"; a column with any fraction stays
float64. The numbers themselves do not change: every analysis below is compared with the same data
held as float64, the type the loader gave these columns before.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis import load_files
from analysis.cohort import cohort_summary
from analysis.comparisons import relief_hazard_model, responder_comparison
from analysis.definitions import Definitions
from analysis.duration import relief_duration
from analysis.episodes import MISSING_LABEL, build_episodes
from analysis.export import table_csv_bytes
from analysis.modelframe import model_frame
from analysis.present.labels import row_labels
from analysis.relief import immediate_relief, responder_rate
from dashboard.covariates import covariate_kind, covariate_levels, covariate_range, filter_values_for, \
    groupable_covariates

N_PATIENTS = 40
COVARIATES = ["site_code", "age", "weight_kg"]


def _files(site_empty: bool = True, age_empty: bool = False) -> dict[str, bytes]:
    """40 patients, two treatments, scores to day 56 (seeded). ``site_code`` 1/2/3 (patient P00 has
    an empty cell with ``site_empty``), ``age`` in whole years (P01 empty with ``age_empty``),
    ``weight_kg`` with one decimal."""
    rng = np.random.default_rng(12)
    a, t, p = ["patient_id,day,pain_nrs"], ["patient_id,day,treatment"], ["patient_id,site_code,age,weight_kg"]
    for i in range(N_PATIENTS):
        pid = f"P{i:02d}"
        t.append(f"{pid},0,{'ketamine_iv' if i % 2 else 'lidocaine_iv'}")
        a.append(f"{pid},-1,{rng.integers(6, 10)}")
        pain = rng.integers(1, 6)
        for day in (1, 7, 14, 28, 56):
            a.append(f"{pid},{day},{min(10, pain + rng.integers(0, 3) * (day > 7))}")
        site = "" if site_empty and i == 0 else str(1 + i % 3)
        age = "" if age_empty and i == 1 else str(25 + int(rng.integers(0, 50)))
        p.append(f"{pid},{site},{age},{60 + rng.integers(0, 400) / 10:.1f}")
    return {"assessments.csv": "\n".join(a).encode(), "treatments.csv": "\n".join(t).encode(),
            "patients.csv": "\n".join(p).encode()}


def _as_float(ds):
    """The same dataset with every numeric covariate as float64 (NaN when empty): the loader's
    type for them before integers were kept."""
    patients = ds.patients.copy()
    for c in COVARIATES:
        patients[c] = patients[c].to_numpy(dtype=float, na_value=np.nan)
    return dataclasses.replace(ds, patients=patients)


def _pair(**kw):
    ds = load_files(_files(**kw))
    return build_episodes(ds, Definitions()), build_episodes(_as_float(ds), Definitions())


def _same_numbers(a: pd.DataFrame, b: pd.DataFrame, key: str) -> None:
    """Two result tables hold the same numbers; the group column ``key`` compared as numbers (the
    integer table says 1 where the float table says 1.0)."""
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    as_number = lambda v: float(v) if v != MISSING_LABEL else v  # noqa: E731
    assert a[key].map(as_number).tolist() == b[key].map(as_number).tolist()
    pd.testing.assert_frame_equal(a.drop(columns=key), b.drop(columns=key), check_dtype=False)


# ------------------------------------------------------------------------------------- types read
@pytest.mark.parametrize("site_empty", [True, False], ids=["with an empty cell", "every cell filled"])
def test_a_coded_covariate_reads_as_integers_and_its_groups_are_1_2_3(site_empty):
    ds = load_files(_files(site_empty=site_empty))
    assert ds.patients["site_code"].dtype == "Int64"
    assert ds.patients["site_code"].isna().sum() == int(site_empty)
    missing = [MISSING_LABEL] if site_empty else []
    table1 = cohort_summary(build_episodes(ds, Definitions()), group="site_code")
    assert set(table1["group"]) - {"All"} == {"1", "2", "3", *missing}
    assert covariate_levels(ds.patients, "site_code") == ["1", "2", "3", *missing]
    assert "site_code" in groupable_covariates(ds.patients)
    relief = immediate_relief(build_episodes(ds, Definitions()), by=["site_code"])
    assert sorted(row_labels(relief, ["site_code"])) == sorted(["1", "2", "3", *missing])
    assert sorted(row_labels(relief.assign(treatment="k"), ["treatment", "site_code"])) == \
        sorted(f"k / {g}" for g in ["1", "2", "3", *missing])


def test_a_column_with_any_fraction_stays_float_and_text_stays_text():
    files = _files()
    ds = load_files(files)
    assert ds.patients["weight_kg"].dtype == "float64"
    assert ds.patients["age"].dtype == "Int64"
    cells = "patient_id,dose,code,big\n" + "".join(
        f"P{i:02d},{'2.5' if i == 3 else '2'},{'A' if i == 4 else i},{2 ** 60 + i}\n" for i in range(N_PATIENTS))
    ds = load_files({**files, "patients.csv": cells.encode()})
    assert ds.patients["dose"].dtype == "float64"          # one fraction: every value stays float
    assert ds.patients["code"].dtype == object              # one text: the column is text
    assert ds.patients["big"].dtype == "float64"            # beyond 2**53: float64 as before
    assert ds.patients.loc[0, "code"] == "0"


def test_whole_numbers_written_with_a_decimal_point_are_whole_numbers():
    files = _files()
    cells = "patient_id,grade\n" + "".join(f"P{i:02d},{1 + i % 2}.0\n" for i in range(N_PATIENTS))
    ds = load_files({**files, "patients.csv": cells.encode()})
    assert ds.patients["grade"].dtype == "Int64"
    assert covariate_levels(ds.patients, "grade") == ["1", "2"]


def test_an_all_empty_covariate_is_still_a_column_of_missing_values():
    files = _files()
    cells = "patient_id,site_code\n" + "".join(f"P{i:02d},\n" for i in range(N_PATIENTS))
    ds = load_files({**files, "patients.csv": cells.encode()})
    assert ds.patients["site_code"].isna().all()


# -------------------------------------------------------------------- the same numbers as before
def test_grouping_by_a_coded_covariate_gives_the_numbers_float_gave():
    ints, floats = _pair()
    _same_numbers(immediate_relief(ints, by=["site_code"]), immediate_relief(floats, by=["site_code"]),
                  "site_code")
    _same_numbers(responder_rate(ints, by=["site_code"]), responder_rate(floats, by=["site_code"]),
                  "site_code")
    dur_i, dur_f = relief_duration(ints, by=["site_code"]), relief_duration(floats, by=["site_code"])
    _same_numbers(dur_i.medians(), dur_f.medians(), "site_code")


def test_a_level_filter_on_a_coded_covariate_keeps_the_episodes_float_kept():
    ints, floats = _pair()
    chosen = filter_values_for(load_files(_files()).patients, "site_code", ["1", MISSING_LABEL])
    assert chosen == [1, MISSING_LABEL]
    kept_i = immediate_relief(ints, by=["treatment"], filters={"site_code": chosen})
    kept_f = immediate_relief(floats, by=["treatment"], filters={"site_code": [1.0, MISSING_LABEL]})
    pd.testing.assert_frame_equal(kept_i, kept_f)
    assert kept_i["n"].sum() == 14  # site 1 (P03, P06, ..., P39: 13 patients) and P00's empty cell


def test_a_range_filter_on_whole_years_keeps_the_episodes_float_kept():
    ints, floats = _pair()
    ds = load_files(_files())
    assert covariate_kind(ds.patients, "age") == "numeric"
    lo, hi = covariate_range(ds.patients, "age")
    assert (lo, hi) == covariate_range(_as_float(ds).patients, "age")
    assert isinstance(lo, float) and lo.is_integer()
    for rng in [(lo, hi), (40.0, 60.0), (40.5, 59.5)]:
        a = cohort_summary(ints, group="treatment", filters={"age": rng})
        b = cohort_summary(floats, group="treatment", filters={"age": rng})
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_a_range_filter_on_whole_years_with_an_empty_cell_leaves_that_patient_out():
    ints, floats = _pair(age_empty=True)
    a = cohort_summary(ints, group="treatment", filters={"age": (40.0, 60.0)})
    b = cohort_summary(floats, group="treatment", filters={"age": (40.0, 60.0)})
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.mark.parametrize("age_empty", [False, True], ids=["every age known", "one age missing"])
def test_table1_of_whole_numbers_has_the_median_iqr_mean_and_sd_float_gave(age_empty):
    ints, floats = _pair(age_empty=age_empty)
    a = cohort_summary(ints, group="treatment")
    b = cohort_summary(floats, group="treatment")
    pd.testing.assert_frame_equal(a, b)
    age = a[(a["variable"] == "age") & (a["group"] == "All")].iloc[0]
    ages = pd.to_numeric(pd.read_csv(pd.io.common.BytesIO(_files(age_empty=age_empty)["patients.csv"]))["age"])
    assert age["n"] == ages.notna().sum()
    assert age["median"] == ages.median() and age["q1"] == ages.quantile(0.25) and age["q3"] == ages.quantile(0.75)
    assert a["median"].dtype == "float64" and a["display"].map(type).eq(str).all()


# ---------------------------------------------------------------------------------------- models
def test_the_models_treat_whole_numbers_as_numbers_and_give_the_float_estimates():
    ints, floats = _pair(age_empty=True)
    frame = model_frame(ints.table, ["treatment", "age"])
    assert frame.terms.set_index("term").loc["age", "level"] == ""      # one term: per year of age
    assert frame.x.dtype == np.float64 and frame.n_dropped == int((ints.table["age"].isna()).sum()) > 0
    np.testing.assert_array_equal(frame.x, model_frame(floats.table, ["treatment", "age"]).x)
    gee_i = responder_comparison(ints, covariates=["age"], outcomes=["immediate"])
    gee_f = responder_comparison(floats, covariates=["age"], outcomes=["immediate"])
    pd.testing.assert_frame_equal(gee_i, gee_f)
    cox_i = relief_hazard_model(ints, covariates=["age"], course=False)  # one course per patient here
    cox_f = relief_hazard_model(floats, covariates=["age"], course=False)
    pd.testing.assert_frame_equal(cox_i.table, cox_f.table)
    assert "age" in cox_i.table["term"].tolist()


# --------------------------------------------------------------------------------------- exports
def test_exported_tables_write_1_not_1_0():
    ints, _ = _pair()
    relief = immediate_relief(ints, by=["site_code"])
    csv = table_csv_bytes(relief).decode()
    first_cells = [line.split(",")[0] for line in csv.splitlines()[1:]]
    assert sorted(first_cells) == sorted(["1", "2", "3", MISSING_LABEL])
    table1 = table_csv_bytes(cohort_summary(ints, group="site_code")).decode()
    assert "\n1,Patients," in table1 and "1.0,Patients" not in table1


def test_a_clinic_export_s_coded_covariate_reads_as_integers():
    rows = ["patient,date,treatment,pain,site"]
    for i in range(8):
        site = "" if i == 0 else str(1 + i % 2)
        rows += [f"P{i},2024-03-01,ketamine,7,{site}", f"P{i},2024-03-05,,4,{site}"]
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
        "patient": "patient_id", "date": "date", "treatment": "treatment",
        "pain": {"role": "measure", "measure": "pain_nrs"}, "site": {"role": "covariate", "name": "site"}}}]}
    ds = load_files({"s.csv": "\n".join(rows).encode()}, mapping=doc)
    assert ds.patients["site"].dtype == "Int64"
    assert covariate_levels(ds.patients, "site") == ["1", "2", MISSING_LABEL]


def _coded_export(codes: dict | None) -> dict:
    """8 patients of a clinic export; ``site`` coded 1/2 (P0 empty: 3 patients at 1, 4 at 2, 1 missing)
    with the mapping's ``codes``; ``dose_mg`` a whole number with two values (100/150) and no codes."""
    rows = ["patient,date,treatment,pain,site,dose_mg"]
    for i in range(8):
        site = "" if i == 0 else str(1 + i % 2)
        rows += [f"P{i},2024-03-01,ketamine,7,{site},{100 + 50 * (i % 2)}", f"P{i},2024-03-05,,4,{site},"]
    site = {"role": "covariate", "name": "site", **({"codes": codes} if codes else {})}
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
        "patient": "patient_id", "date": "date", "treatment": "treatment",
        "pain": {"role": "measure", "measure": "pain_nrs"}, "site": site,
        "dose_mg": {"role": "covariate", "name": "dose_mg"}}}]}
    return {"files": {"s.csv": "\n".join(rows).encode()}, "mapping": doc}


@pytest.mark.parametrize("codes, one, two", [
    ({"1": "North", "2": "South"}, "North", "South"),   # decoded to names
    ({"1": "1", "2": "2"}, "1", "2"),                   # declared as codes, the numbers kept as labels
    ({"1": "North"}, "North", "2"),                     # a code without a label keeps its number
], ids=["labels", "numbers as labels", "partly labelled"])
def test_a_clinic_export_covariate_with_declared_codes_is_categorical_in_table1_and_the_models(codes, one, two):
    ds = load_files(**_coded_export(codes))
    assert ds.patients["site"].dtype == object
    ep = build_episodes(ds, Definitions())
    t1 = cohort_summary(ep, group="treatment")
    site = t1[(t1["variable"] == "site") & (t1["group"] == "All")].set_index("level")
    # counted by hand from _coded_export: n (% of the 8 patients)
    assert site["n"].to_dict() == {one: 3, two: 4, MISSING_LABEL: 1}
    assert site["percent"].to_dict() == pytest.approx({one: 37.5, two: 50.0, MISSING_LABEL: 12.5})
    assert site["median"].isna().all()
    # ... and the models compare the levels (the first in sorted order is the reference), not per unit
    terms = model_frame(ep.table, ["site"]).terms
    reference, other = sorted([one, two])
    assert terms[["covariate", "level", "reference"]].values.tolist() == [["site", other, reference]]


def test_a_whole_number_covariate_without_declared_codes_stays_a_quantity_in_table1():
    # Few distinct values do not make a code: a dose of 100 or 150 mg is a quantity (median [IQR]).
    ds = load_files(**_coded_export({"1": "North", "2": "South"}))
    assert ds.patients["dose_mg"].dtype == "Int64"
    t1 = cohort_summary(build_episodes(ds, Definitions()), group="treatment")
    dose = t1[(t1["variable"] == "dose_mg") & (t1["group"] == "All")]
    assert len(dose) == 1 and dose["n"].iat[0] == 8
    assert dose["median"].iat[0] == 125.0 and dose["display"].iat[0] == "125.0 [100.0, 150.0]"


def test_a_parquet_patients_file_s_integer_and_float_columns_follow_the_same_rule():
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"patient_id": [f"P{i:02d}" for i in range(N_PATIENTS)],
                      "site_code": pa.array([None if i == 0 else 1 + i % 3 for i in range(N_PATIENTS)], pa.int64()),
                      "grade": pa.array([float(1 + i % 2) for i in range(N_PATIENTS)], pa.float64()),
                      "weight_kg": pa.array([60.5 + i for i in range(N_PATIENTS)], pa.float64())})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    files = {k: v for k, v in _files().items() if k != "patients.csv"}
    ds = load_files({**files, "patients.parquet": buf.getvalue()})
    assert ds.patients["site_code"].dtype == "Int64" and ds.patients["site_code"].isna().sum() == 1
    assert ds.patients["grade"].dtype == "Int64"          # whole numbers stored as floats: integers
    assert ds.patients["weight_kg"].dtype == "float64"
    assert covariate_levels(ds.patients, "site_code") == ["1", "2", "3", MISSING_LABEL]


# ------------------------------------------------- grouping with a missing value; filters typed as text
def test_attrition_by_a_coded_covariate_with_an_empty_cell_counts_every_group_and_the_missing_one():
    from analysis.relief import attrition

    ints, _ = _pair(site_empty=True)
    out = attrition(ints, ("site_code",))
    groups = list(dict.fromkeys(out["site_code"]))
    assert groups == [1, 2, 3, MISSING_LABEL]          # numbers in order, then the missing group
    # Reference: each group's attrition computed on its own episodes (no mixed types to sort).
    for g in (1, 2, 3):
        alone = attrition(ints, (), filters={"site_code": [g]})
        mine = out[out["site_code"] == g].drop(columns="site_code").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True), check_dtype=False)
    assert out.loc[out["site_code"] == MISSING_LABEL, "total"].iat[0] == 1   # patient P00's one episode


def test_attrition_by_ordinary_groups_is_the_grouped_sum_of_its_cells():
    from analysis.relief import attrition

    _, floats = _pair(site_empty=False)
    out = attrition(floats, ("treatment",))
    for tx in ("ketamine_iv", "lidocaine_iv"):
        alone = attrition(floats, (), filters={"treatment": [tx]})
        mine = out[out["treatment"] == tx].drop(columns="treatment").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True), check_dtype=False)


def test_a_level_filter_typed_as_text_selects_a_coded_covariate():
    # The command line gives --filter site_code=1,2 as text; the column holds the numbers 1, 2, 3.
    ints, _ = _pair(site_empty=True)
    as_text = immediate_relief(ints, ("site_code",), filters={"site_code": ["1", "2"]})
    as_numbers = immediate_relief(ints, ("site_code",), filters={"site_code": [1, 2]})
    assert as_text["site_code"].tolist() == [1, 2]
    pd.testing.assert_frame_equal(as_text, as_numbers)
