"""Route and form words in treatment names: `Ketamine IV`, `IV ketamine`, `ketamine infusion` and `Ketamine` are one
drug given one way, and a clinic export reads them as one treatment, naming every merge; a name of another route
or form (`oral`, `patch`, `lozenge`) is another treatment, and a bare name beside one stays apart too. The
canonical files take labels as written and warn. (A review's sheet gave six groups of two drugs, no warning.)"""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.courses import one_spelling, spelling_notes, twin_labels_warning


def _merged(*labels: str) -> list:
    return one_spelling(np.array(labels, dtype=object))[0].tolist()


def test_labels_that_differ_only_by_infusion_words_or_word_order_are_one_treatment():
    out = _merged("Ketamine IV", "IV ketamine", "ketamine infusion", "Ketamine IV", "Ketamine (i.v.)",
                  "intravenous Ketamine drip")
    assert out == ["Ketamine IV"] * 6


def test_a_bare_drug_name_stays_apart_from_its_infusion_labels_with_a_warning():
    # the third regression review: a bare name may be a dose text cut at its dose (a combination, a nerve block)
    labels = np.array(["Ketamine", "ketamine infusion", "ketamine infusion", "Lidocaine", "lidocaine IV"], dtype=object)
    out, merged = one_spelling(labels)
    assert out.tolist() == ["Ketamine", "ketamine infusion", "ketamine infusion", "Lidocaine", "lidocaine IV"]
    kept = [n for n in spelling_notes(labels, merged) if "kept apart" in n]
    assert len(kept) == 1 and "'Ketamine'" in kept[0] and "'Lidocaine'" in kept[0]


def test_labels_that_name_the_same_words_in_another_order_are_one_spelling():
    assert _merged("Ketamine + Lidocaine", "lidocaine + ketamine", "Ketamine + Lidocaine") == ["Ketamine + Lidocaine"] * 3


def test_oral_and_intravenous_ketamine_stay_apart():
    assert _merged("oral ketamine", "Ketamine IV", "ketamine PO", "Ketamine IN") == \
        ["oral ketamine", "Ketamine IV", "ketamine PO", "Ketamine IN"]


def test_ketamine_and_esketamine_stay_apart():
    assert _merged("ketamine", "esketamine", "esketamine infusion", "Ketamine IV") == \
        ["ketamine", "esketamine", "esketamine infusion", "Ketamine IV"]


def test_lidocaine_and_a_lidocaine_patch_stay_apart_and_the_patch_keeps_a_bare_name_apart_from_the_infusion():
    labels = np.array(["lidocaine", "lidocaine patch", "Lidocaine infusion"], dtype=object)
    out, merged = one_spelling(labels)
    assert out.tolist() == ["lidocaine", "lidocaine patch", "Lidocaine infusion"] and merged == {}
    kept = [n for n in spelling_notes(labels, merged) if "kept apart" in n]
    assert len(kept) == 1 and "'lidocaine'" in kept[0] and "'lidocaine patch'" not in kept[0]


def test_two_doses_written_in_the_label_stay_two_treatments():
    assert _merged("ketamine 0.5 mg/kg", "ketamine 1 mg/kg", "Ketamine IV 0.5 mg/kg") == \
        ["ketamine 0.5 mg/kg", "ketamine 1 mg/kg", "Ketamine IV 0.5 mg/kg"]


def test_capital_in_of_a_medication_record_in_capitals_is_no_intranasal_route():
    # 'IN NS' is "in saline": no other route is named (the bare name stays apart as any bare name does)
    assert _merged("KETAMINE 200 MG IN NS INFUSION", "KETAMINE 200 MG INFUSION IN NS") == \
        ["KETAMINE 200 MG IN NS INFUSION"] * 2


def test_a_word_of_an_infusion_alone_names_no_drug_and_is_left_as_written():
    assert _merged("Infusion", "IV", "Ketamine") == ["Infusion", "IV", "Ketamine"]


def test_every_merge_is_named_under_its_rule():
    labels = np.array(["Ketamine IV", "IV ketamine", "ketamine infusion", "KETAMINE IV", "Ketamine IV"], dtype=object)
    merged = one_spelling(labels)[1]
    spelled, routed = spelling_notes(labels, merged)
    assert "word order" in spelled and "'IV ketamine' -> 'Ketamine IV'" in spelled and "'KETAMINE IV'" in spelled
    assert "words of an infusion" in routed and "'ketamine infusion' -> 'Ketamine IV'" in routed
    assert "'IV ketamine'" not in routed and "'KETAMINE IV'" not in routed


def _sheet(labels: list) -> dict:
    rows = ["Patient ID,Day,Treatment"] + [f"P{i},0,{lab}" for i, lab in enumerate(labels)]
    pain = ["Patient ID,Day,Pain NRS"] + [f"P{i},{d},{v}" for i in range(len(labels)) for d, v in ((-2, 8), (1, 4))]
    return {"infusions.csv": ("\n".join(rows) + "\n").encode(), "pain_scores.csv": ("\n".join(pain) + "\n").encode()}


def test_a_clinic_export_reads_one_drug_written_three_ways_as_one_treatment_and_warns_of_the_bare_name():
    ds = load_files(_sheet(["Ketamine IV", "Ketamine IV", "IV ketamine", "ketamine infusion", "Ketamine"]))
    assert ds.treatments["treatment"].tolist() == ["Ketamine IV"] * 4 + ["Ketamine"]
    said = [w for w in ds.report.warnings if "words of an infusion" in w]
    assert len(said) == 1 and "'ketamine infusion' -> 'Ketamine IV'" in said[0] and "'Ketamine' ->" not in said[0]
    assert any("'Ketamine'" in w and "kept apart" in w for w in ds.report.warnings)


def test_a_clinic_export_keeps_oral_ketamine_apart_and_warns_of_the_bare_name():
    ds = load_files(_sheet(["Ketamine IV", "Ketamine IV", "oral ketamine", "Ketamine"]))
    assert sorted(set(ds.treatments["treatment"])) == ["Ketamine", "Ketamine IV", "oral ketamine"]
    assert any("'Ketamine'" in w and "kept apart" in w for w in ds.report.warnings)


def test_the_canonical_files_keep_labels_as_written_and_warn_of_route_and_order_variants():
    files = {"assessments.csv": b"patient_id,day,pain_nrs\nA,-1,8\nA,1,4\nB,-1,8\nB,1,4\nC,-1,8\nC,1,4\n",
             "treatments.csv": b"patient_id,day,treatment\nA,0,Ketamine IV\nB,0,IV ketamine\nC,0,ketamine infusion\n"}
    ds = load_files(files)
    assert ds.treatments["treatment"].tolist() == ["Ketamine IV", "IV ketamine", "ketamine infusion"]
    said = [w for w in ds.report.warnings if "look like one treatment" in w]
    assert len(said) == 1 and "'Ketamine IV' / 'IV ketamine' / 'ketamine infusion'" in said[0]


def test_the_canonical_warning_is_silent_for_other_routes_and_other_drugs():
    assert twin_labels_warning(["Ketamine IV", "oral ketamine", "esketamine", "lidocaine patch", "lidocaine"]) == []


def test_a_bare_drug_name_beside_an_injection_or_a_block_of_that_drug_stays_apart_from_its_infusions():
    # the second regression review: epidural, intrathecal, nerve blocks and injections are other routes too
    for other in ("Ketamine epidural", "Ketamine intrathecal", "Lidocaine nerve block", "Lidocaine SGB",
                  "Ketamine injection", "Lidocaine IVRA", "Lidocaine trigger point injection"):
        drug = other.split()[0]
        out = _merged(drug, f"{drug} IV", f"{drug} IV", other)
        assert out[0] == drug and out[1:3] == [f"{drug} IV"] * 2 and out[3] == other, other


def test_a_treatment_text_with_a_dose_inside_its_name_is_read_by_the_name_without_the_dose():
    # the second regression review: 'Lidocaine 5% patch' was taken by the bare 'lidocaine' pattern, not by
    # 'lidocaine patch' (the patches were analysed as the bare name's courses)
    from analysis.io.courses import treatment_labels
    texts = np.array(["Lidocaine 5% patch", "Lidocaine patch", "Lidocaine IV", "Lidocaine", "Ketamine 0.5 mg/kg IV"],
                     dtype=object)
    patterns = {"lidocaine patch": "Lidocaine patch", "lidocaine iv": "Lidocaine IV", "lidocaine": "Lidocaine",
                "ketamine iv": "Ketamine IV", "ketamine": "Ketamine"}
    assert treatment_labels(texts, patterns).tolist() == ["Lidocaine patch", "Lidocaine patch", "Lidocaine IV",
                                                          "Lidocaine", "Ketamine IV"]
    # a pattern naming a dose still finds it where it is written
    assert treatment_labels(texts, {"ketamine 0.5": "K 0.5", "ketamine": "K"}).tolist()[-1] == "K 0.5"


def test_a_text_that_only_contains_a_pattern_once_its_doses_are_left_out_is_not_that_treatment():
    # the third regression review: 'ketamine infusion' took esketamine, 'lidocaine infusion' a combination
    from analysis.io.courses import treatment_labels
    texts = np.array(["Esketamine 0.25 mg/kg infusion", "Ketamine 50 mg + Lidocaine 100 mg infusion",
                      "Ketamine 100 mg IV + Midazolam 2 mg IV", "Ketamine 0.5 mg/kg infusion"], dtype=object)
    patterns = {"ketamine + lidocaine infusion": "Ketamine + Lidocaine", "ketamine infusion": "Ketamine infusion",
                "lidocaine infusion": "Lidocaine infusion", "esketamine": "Esketamine", "ketamine iv": "Ketamine IV"}
    assert treatment_labels(texts, patterns).tolist() == ["Esketamine", "Ketamine + Lidocaine", "",
                                                          "Ketamine infusion"]


def test_the_treatment_a_dosed_text_names_keeps_a_route_written_after_the_dose():
    from analysis.io.mar_treatments import _base_name
    assert _base_name("Lidocaine 2% 5 ml SGB") == "Lidocaine SGB"
    assert _base_name("Ketamine 10 mg PO") == "Ketamine PO"
    assert _base_name("Ketamine 50 mg IN") == "Ketamine IN"
    # an infusion's dose, a bag's strength or a German dose: the drug alone, as before
    assert _base_name("Ketamine 0.5 mg/kg IV") == "Ketamine"
    assert _base_name("KETAMINE 200 MG IN NS 250 ML") == "KETAMINE"
    assert _base_name("Ketamin 0,5 mg/kg") == "Ketamin"
    assert _base_name("Ketamine 0.5 mg/kg IV over 4 h") == "Ketamine"
    # the fourth regression review: any other word after the dose keeps the drug's name (a booster, a cycle, a note)
    assert _base_name("Ketamine 0.5 mg/kg booster") == "Ketamine"
    assert _base_name("Ketamine 0,5 mg/kg i.v. Kurzinfusion über 4 Std.") == "Ketamine"
    assert _base_name("Ketamine 0.5 mg/kg infusion (cycle 2)") == "Ketamine"
    assert _base_name("Ketamine 100 mg IV + Midazolam 2 mg IV") == "Ketamine"


def test_a_combination_written_with_its_doses_is_not_analysed_as_the_infusion():
    # the third regression review: 'Ketamine 100 mg IV + Midazolam 2 mg IV' (read as 'Ketamine') joined 'Ketamine IV'
    rows = ["Patient ID,Date,Treatment"] + [f"{p},2024-03-0{p},Ketamine IV" for p in range(1, 4)] + \
        [f"{p},2024-03-0{p},Ketamine {50 * p} mg IV + Midazolam {p} mg IV" for p in range(4, 7)]
    scores = ["Patient ID,Date,Pain NRS"] + [f"{p},2024-03-0{p},8" for p in range(1, 7)] + \
        [f"{p},2024-03-0{p + 1},4" for p in range(1, 7)]
    ds = load_files({"infusion_log.csv": ("\n".join(rows) + "\n").encode(),
                     "pain_scores.csv": ("\n".join(scores) + "\n").encode()})
    assert sorted(ds.treatments["treatment"].value_counts().items()) == [("Ketamine", 3), ("Ketamine IV", 3)]
    assert any("'Ketamine'" in w and "kept apart" in w for w in ds.report.warnings)
