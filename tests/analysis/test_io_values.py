"""Value rules for text observations (analysis/io/values.py; docs/data-format.md, "Value rules for text
observations"): every rule, every exclusion reason, the rules' file form, and agreement with a slow
reference written in plain Python (``re`` and ``float``) on seeded random cells."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import MappingError
from analysis.io.values import ParsedValues, ValueRules, parse_values

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"
NAN = float("nan")


def read(text, rules=ValueRules(), scale_max=None):
    p = parse_values([text], rules, scale_max)
    return float(p.value[0]), bool(p.missing[0]), p.reason[0], p.rule[0]


def same(got, expected):
    """Tuples equal, NaN equal to NaN."""
    return len(got) == len(expected) and all(
        (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)) or a == b
        for a, b in zip(got, expected))


# ---------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("7", 7.0), ("0", 0.0), ("07", 7.0), ("6.5", 6.5), (".5", 0.5), ("7.", 7.0), ("+2", 2.0),
    ("-1", -1.0), ("-1.5", -1.5), ("\u22121", -1.0), ("1e1", 10.0), ("2.5E-1", 0.25), ("  7  ", 7.0),
])
def test_numbers(text, expected):
    assert read(text) == (expected, False, "", "number")


@pytest.mark.parametrize("text", ["-1", "-10", "-0.5"])
def test_negative_numbers_are_numbers_not_ranges(text):
    for ranges in ("midpoint", "exclude"):
        assert read(text, ValueRules(ranges=ranges))[3] == "number"


@pytest.mark.parametrize("text", ["inf", "-Infinity", "1e400", "--", "?", "6/7/8", "7..5", "1-2-3", "+-1", ".."])
def test_not_a_number(text):
    assert same(read(text, scale_max=10), (NAN, False, "not a number", ""))


@pytest.mark.parametrize("text", [".", " . "])
def test_a_dot_alone_is_spss_stata_and_sas_system_missing(text):
    assert same(read(text), (NAN, True, "", ""))


def test_decimal_comma_only_when_asked():
    assert same(read("6,5"), (NAN, False, "a decimal comma (6,5); the value rules read decimal commas only "
                                          "with decimal_comma", ""))
    dc = ValueRules(decimal_comma=True)
    assert read("6,5", dc) == (6.5, False, "", "number")
    assert read("6.5", dc) == (6.5, False, "", "number")  # a point still reads
    assert read("-0,5", dc) == (-0.5, False, "", "number")
    assert read("6,5-7", dc) == (6.75, False, "", "range")
    assert read("7,5/10", dc, 10) == (7.5, False, "", "fraction")
    assert read("6,5-7")[2] == "not a number"  # without the rule, neither a range nor a number


# ---------------------------------------------------------------------------------------------------
# Fractions
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, scale_max, expected", [
    ("7/10", 10, 7.0), ("7.5/10", 10, 7.5), ("7 / 10", 10, 7.0), ("0/10", 10, 0.0), ("10/10", 10, 10.0),
    ("70/100", 100, 70.0), ("7/10", 10.0, 7.0), ("3/27", 27, 3.0), ("7/10.0", 10, 7.0),
])
def test_fractions_read_as_the_numerator_when_the_denominator_is_the_scale_maximum(text, scale_max, expected):
    assert read(text, scale_max=scale_max) == (expected, False, "", "fraction")


@pytest.mark.parametrize("text, rules, scale_max, reason", [
    ("7/5", ValueRules(), 10, "a fraction whose denominator is not the scale maximum (10)"),
    ("70/100", ValueRules(), 10, "a fraction whose denominator is not the scale maximum (10)"),
    ("7/10", ValueRules(), 100, "a fraction whose denominator is not the scale maximum (100)"),
    ("7/10", ValueRules(), 10.5, "a fraction whose denominator is not the scale maximum (10.5)"),
    ("7/10", ValueRules(), None, "a fraction, but the measure has no known maximum"),
    ("7/10", ValueRules(), NAN, "a fraction, but the measure has no known maximum"),
    ("12/10", ValueRules(), 10, "a fraction above its denominator (12/10)"),
    ("7/10", ValueRules(fractions=False), 10, "a fraction (7/10); the value rules exclude fractions"),
])
def test_fractions_excluded(text, rules, scale_max, reason):
    assert same(read(text, rules, scale_max), (NAN, False, reason, "fraction"))


# ---------------------------------------------------------------------------------------------------
# Ranges
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("0-10: 7", 7.0), ("0-10:7", 7.0), ("0 - 10 : 7", 7.0), ("0-10 = 3", 3.0), ("(0-10) 5", 5.0), ("(0-10)5", 5.0),
    ("1-10: 4", 4.0), ("0-10: 0", 0.0), ("0-10: 10", 10.0), ("0–10: 6.5", 6.5),
    # the scale after the score, as some flowsheet templates write it
    ("6 (0-10)", 6.0), ("7 (0–10)", 7.0), ("5(1-10)", 5.0),
])
def test_a_score_after_its_scale_reads_as_the_score_never_as_the_range(text, expected):
    # A flowsheet dropdown template writes the scale, then the score: '0-10: 7' is 7, not the range 0-10 (5).
    assert same(read(text, scale_max=10), (expected, False, "", "scale"))


@pytest.mark.parametrize("text, rules, scale_max, reason", [
    ("0-100: 40", ValueRules(), 10, "a score after a scale that is not the measure's (0-10)"),
    ("2-10: 5", ValueRules(), 10, "a score after a scale that is not the measure's (0-10)"),
    ("0-10: 12", ValueRules(), 10, "a score outside the scale written with it (0-10: 12)"),
    ("11 (0-10)", ValueRules(), 10, "a score outside the scale written with it (11 (0-10))"),
    ("6 (0-5)", ValueRules(), 10, "a score after a scale that is not the measure's (0-10)"),
    ("0-10: 7", ValueRules(), None, "a score after its scale, but the measure has no known maximum"),
    ("0-10: 7", ValueRules(fractions=False), 10, "a score after its scale (0-10: 7); the value rules exclude fractions"),
])
def test_a_score_after_another_scale_is_excluded_with_why(text, rules, scale_max, reason):
    assert same(read(text, rules, scale_max), (NAN, False, reason, "scale"))


@pytest.mark.parametrize("text", ["6-7", "6 - 7", "6–7", "6 – 7", "6—7", "6 to 7", "6 TO 7", "6.0-7.0"])
@pytest.mark.parametrize("rule, expected", [("midpoint", 6.5), ("lower", 6.0), ("upper", 7.0)])
def test_ranges_by_rule(text, rule, expected):
    assert read(text, ValueRules(ranges=rule)) == (expected, False, "", "range")


@pytest.mark.parametrize("text", ["6-7", "6 to 7"])
def test_ranges_excluded_by_rule(text):
    assert same(read(text, ValueRules(ranges="exclude")),
                (NAN, False, f"a range ({text}); the value rule excludes ranges", "range"))


@pytest.mark.parametrize("rule", ["midpoint", "lower", "upper", "exclude"])
def test_a_range_in_reverse_order_is_excluded(rule):
    assert same(read("7-6", ValueRules(ranges=rule)),
                (NAN, False, "a range whose ends are in reverse order (7-6)", "range"))


def test_ranges_with_signed_ends_and_equal_ends():
    assert read("-2-1") == (-0.5, False, "", "range")
    assert read("-3--1") == (-2.0, False, "", "range")
    assert read("5-5") == (5.0, False, "", "range")


# ---------------------------------------------------------------------------------------------------
# Text answers
# ---------------------------------------------------------------------------------------------------

RULES_WITH_TEXT = ValueRules(text={"Denies pain": 0, "No pain": 0.0, "Patient asleep": None, "<1": 0.5})


@pytest.mark.parametrize("text", ["Denies pain", "denies pain", "DENIES PAIN", "  Denies   pain ", "denies\tpain"])
def test_text_answers_match_ignoring_case_and_spaces(text):
    assert read(text, RULES_WITH_TEXT) == (0.0, False, "", "text")


def test_the_text_mapping_can_give_an_na_token_a_value():
    # In a pain item, "None" may mean no pain: a clinic that maps it says so.
    rules = ValueRules(text={"None": 0, "N/A": None})
    p = parse_values(["None", "NONE", "N/A", "NA", ""], rules, 10)
    assert np.allclose(p.value, [0, 0, NAN, NAN, NAN], equal_nan=True)
    assert p.missing.tolist() == [False, False, False, True, True]
    assert p.rule.tolist() == ["text", "text", "text", "", ""]
    assert p.reason[2] == "text answer 'N/A' is excluded by the mapping"
    assert read("None")[1]  # without the mapping, an NA token


def test_text_answer_excluded_on_purpose():
    assert same(read("patient  ASLEEP", RULES_WITH_TEXT),
                (NAN, False, "text answer 'patient ASLEEP' is excluded by the mapping", "text"))


def test_text_answer_without_a_value():
    assert same(read("Patient asleep"), (NAN, False, "text answer 'Patient asleep' has no value in the mapping", ""))
    assert same(read("7 mg"), (NAN, False, "text answer '7 mg' has no value in the mapping", ""))
    assert same(read("Schläft"), (NAN, False, "text answer 'Schläft' has no value in the mapping", ""))


def test_the_text_mapping_is_consulted_first():
    # A clinic can give a value to any answer the other rules exclude, e.g. "<1".
    assert read("<1", RULES_WITH_TEXT) == (0.5, False, "", "text")
    assert read("7", ValueRules(text={"7": None}))[2] == "text answer '7' is excluded by the mapping"


# ---------------------------------------------------------------------------------------------------
# Other shapes: excluded by default, with what they look like
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, reason", [
    ("<1", "a bound (<1), not a value"), (">8", "a bound (>8), not a value"),
    (">= 8", "a bound (>= 8), not a value"), ("≤2", "a bound (≤2), not a value"),
    ("7?", "an uncertain value (7?)"), ("? 7", "an uncertain value (? 7)"),
    ("~7", "an approximate value (~7)"), ("ca. 7", "an approximate value (ca. 7)"),
    ("approx 7", "an approximate value (approx 7)"),
    ("7 (moderate)", "a number with a note (7 (moderate)); the value rules read such numbers only with "
                     "annotated_numbers"),
    ("7 - moderate", "a number with a note (7 - moderate); the value rules read such numbers only with "
                     "annotated_numbers"),
])
def test_qualified_values_are_excluded_with_what_they_look_like(text, reason):
    assert same(read(text, scale_max=10), (NAN, False, reason, ""))


@pytest.mark.parametrize("text, expected", [("7 (moderate)", 7.0), ("7 - moderate", 7.0), ("7 = severe", 7.0),
                                            ("7: severe", 7.0), ("0 (none)", 0.0)])
def test_annotated_numbers_when_asked(text, expected):
    assert read(text, ValueRules(annotated_numbers=True)) == (expected, False, "", "number")


def test_annotated_numbers_do_not_swallow_ranges_or_digits():
    rules = ValueRules(annotated_numbers=True)
    assert read("6 - 7", rules) == (6.5, False, "", "range")
    assert read("7 (since 3 days)", rules)[2] == "text answer '7 (since 3 days)' has no value in the mapping"


# ---------------------------------------------------------------------------------------------------
# Missing cells, input types, mapping back
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["", "  ", "NA", "na", "N/A", "NaN", "null", "NULL", "None", "none", None, NAN])
def test_missing(token):
    assert same(read(token, RULES_WITH_TEXT, 10), (NAN, True, "", ""))


def test_results_map_back_to_every_cell():
    cells = ["7", "6-7", "7", "", "x", "6-7", None, 5.0, 3]
    p = parse_values(cells, ValueRules(), 10)
    assert np.allclose(p.value, [7, 6.5, 7, NAN, NAN, 6.5, NAN, 5, 3], equal_nan=True)
    assert p.missing.tolist() == [False, False, False, True, False, False, True, False, False]
    assert p.rule.tolist() == ["number", "range", "number", "", "", "range", "", "number", "number"]
    assert p.used.tolist() == [True, True, True, False, False, True, False, True, True]
    assert p.reason.tolist() == ["", "", "", "", "text answer 'x' has no value in the mapping", "", "", "", ""]
    assert p.value.dtype == np.float64 and p.reason.dtype == object and p.rule.dtype == object
    for values in (pd.Series(cells, dtype=object), np.array(cells, dtype=object)):
        q = parse_values(values, ValueRules(), 10)
        assert q.rule.tolist() == p.rule.tolist()


def test_counts_per_rule_and_reason():
    p = parse_values(["7", "8", "7/10", "6-7", "", "NA", "<1", "<1"], ValueRules(), 10)
    t = p.counts()
    assert list(t.columns) == ["rule", "reason", "n"]
    got = {(r, why): n for r, why, n in t.itertuples(index=False)}
    assert got == {("number", ""): 2, ("fraction", ""): 1, ("range", ""): 1, ("", "missing"): 2,
                   ("", "a bound (<1), not a value"): 2}
    assert t["n"].sum() == 8


def test_empty_input():
    p = parse_values([], ValueRules(), 10)
    assert isinstance(p, ParsedValues) and len(p.value) == 0 and len(p.reason) == 0


def test_rules_must_be_value_rules():
    with pytest.raises(TypeError):
        parse_values(["7"], {"ranges": "midpoint"})


# ---------------------------------------------------------------------------------------------------
# The rules in the mapping file
# ---------------------------------------------------------------------------------------------------

def test_defaults():
    r = ValueRules()
    assert (r.ranges, r.fractions, dict(r.text), r.decimal_comma, r.annotated_numbers) == (
        "midpoint", True, {}, False, False)


def test_to_dict_and_from_dict_round_trip_through_json():
    r = ValueRules(ranges="lower", fractions=False, text={"Denies pain": 0, "Asleep": None},
                   decimal_comma=True, annotated_numbers=True)
    d = json.loads(json.dumps(r.to_dict()))
    assert d == {"ranges": "lower", "fractions": False, "text": {"Denies pain": 0.0, "Asleep": None},
                 "decimal_comma": True, "annotated_numbers": True}
    assert ValueRules.from_dict(d) == r
    assert ValueRules.from_dict({}) == ValueRules()
    assert ValueRules.from_dict({"ranges": "upper"}) == ValueRules(ranges="upper")


@pytest.mark.parametrize("d, message", [
    ({"range": "midpoint"}, "unknown setting 'range'; the settings are ranges, fractions, text"),
    ({"ranges": "average"}, "'ranges' is 'average'; use one of 'midpoint', 'lower', 'upper', 'exclude'"),
    ({"fractions": "yes"}, "'fractions' is 'yes'; use true or false"),
    ({"decimal_comma": 1}, "'decimal_comma' is 1; use true or false"),
    ({"annotated_numbers": None}, "'annotated_numbers' is None; use true or false"),
    ({"text": ["Denies pain"]}, "'text' must map text answers to numbers"),
    ({"text": {"Denies pain": "zero"}},
     "the text answer 'Denies pain' has the value 'zero'; use a number, or null (in TOML: \"exclude\")"),
    ({"text": {"Denies pain": True}}, "the text answer 'Denies pain' has the value True"),
    ({"text": {"Denies pain": float("nan")}}, "the text answer 'Denies pain' has the value nan"),
    ({"text": {"  ": 0}}, "the text answer '  ' must be non-empty text"),
    ({"text": {"No pain": 0, "no  PAIN": 1}}, "the text answers 'No pain' and 'no  PAIN' are the same answer"),
])
def test_from_dict_refuses_what_it_cannot_use(d, message):
    with pytest.raises(MappingError, match=re.escape(message)):
        ValueRules.from_dict(d)


def test_from_dict_refuses_a_non_table():
    with pytest.raises(MappingError, match="value rules must be a table of settings"):
        ValueRules.from_dict(["midpoint"])


def test_the_same_answer_twice_with_the_same_value_is_fine():
    assert read("no pain", ValueRules(text={"No pain": 0, "no pain": 0}))[0] == 0.0


# ---------------------------------------------------------------------------------------------------
# Agreement with a slow reference on seeded random cells
# ---------------------------------------------------------------------------------------------------

def reference(cell, rules: ValueRules, scale_max):
    """One cell at a time, in plain Python: ``(value or None, rule)`` for the core rules, or
    ``(None, "excluded")`` / ``(None, "missing")``. Independent of the module's regular expressions."""
    if cell is None:
        return None, "missing"
    t = " ".join(str(cell).split())
    text = {" ".join(k.split()).casefold(): v for k, v in rules.text.items()}
    if t.casefold() in text:
        return text[t.casefold()], "text"
    if t.lower() in ("", "na", "n/a", "nan", "null", "none"):
        return None, "missing"
    num = t.replace(",", ".") if rules.decimal_comma else t
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", num) and math.isfinite(float(num)):
        return float(num), "number"
    m = re.fullmatch(r"(\d+(?:\.\d+)?) ?/ ?(\d+(?:\.\d+)?)", num)
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        ok = rules.fractions and scale_max is not None and b == scale_max and a <= b
        return (a if ok else None), "fraction"
    m = re.fullmatch(r"\(?(\d+(?:\.\d+)?) ?[-–—] ?(\d+(?:\.\d+)?)(?:\) ?| ?[:=] ?)(\d+(?:\.\d+)?)", num)
    if m:
        lo, hi, x = (float(g) for g in m.groups())
        ok = rules.fractions and scale_max is not None and hi == scale_max and lo in (0, 1) and lo <= x <= hi
        return (x if ok else None), "scale"
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?) ?(?:-|–|—|to|TO|To|tO) ?([+-]?\d+(?:\.\d+)?)", num)
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        if a > b or rules.ranges == "exclude":
            return None, "range"
        return {"midpoint": (a + b) / 2, "lower": a, "upper": b}[rules.ranges], "range"
    return None, "excluded"


def random_cells(rng, n):
    kinds = rng.integers(0, 10, size=n)
    out = []
    for k in kinds:  # test-only generator
        a = round(float(rng.uniform(-2, 12)), int(rng.integers(0, 3)))
        b = round(float(rng.uniform(0, 12)), int(rng.integers(0, 2)))
        sep = [".", ","][int(rng.integers(0, 2))]
        fa = f"{a:g}".replace(".", sep)
        fb = f"{b:g}".replace(".", sep)
        d = int(rng.choice([5, 10, 10, 100]))
        out.append([
            fa, f"{abs(a):g}/{d}".replace(".", sep), f"{fa}{rng.choice(['-', ' - ', '–', ' to '])}{fb}",
            rng.choice(["Denies pain", "denies  PAIN", "asleep", "Refused", "NA", "", "n/a"]),
            f"<{abs(a):g}", f"{int(abs(a))}?", f" {fa} ", f"{int(abs(a))}/{d}", str(rng.choice(["7 (mod)", "x"])),
            rng.choice(["0-{d}: {x}", "1-{d}:{x}", "(0-{d}) {x}", "0 - {d} = {x}", "2-{d}: {x}"]).format(
                d=d, x=f"{abs(b):g}".replace(".", sep)),
        ][k])
    return out


@pytest.mark.parametrize("seed", range(6))
def test_agreement_with_a_slow_reference_on_random_cells(seed):
    rng = np.random.default_rng(seed)
    rules = ValueRules(ranges=["midpoint", "lower", "upper", "exclude"][seed % 4], fractions=seed % 3 != 0,
                       text={"Denies pain": 0, "Asleep": None, "n/a": -1}, decimal_comma=seed % 2 == 1)
    scale_max = [10, 100, None][seed % 3]
    cells = random_cells(rng, 600)
    p = parse_values(cells, rules, scale_max)
    for i, cell in enumerate(cells):  # test-only loop over the reference
        value, rule = reference(cell, rules, scale_max)
        if rule == "missing":
            assert p.missing[i] and p.rule[i] == "" and p.reason[i] == "", cell
            continue
        assert not p.missing[i], cell
        if value is None:
            assert math.isnan(p.value[i]) and p.reason[i] != "", cell
            assert p.rule[i] == ("" if rule == "excluded" else rule), cell
        else:
            assert p.value[i] == value and p.reason[i] == "" and p.rule[i] == rule, cell
    assert p.used.sum() > 100  # the draw exercises the rules


# ---------------------------------------------------------------------------------------------------
# The documentation lists every reason
# ---------------------------------------------------------------------------------------------------

def test_every_reason_is_in_the_documentation_table():
    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split("## Value rules for text observations", 1)[1].split("\n## ", 1)[0]
    cells = [
        (ValueRules(ranges="exclude"), ["6-7"]),
        (ValueRules(fractions=False), ["7/10"]),
        (ValueRules(text={"Patient asleep": None}), ["Patient asleep"]),
        (ValueRules(), ["?", "Patient asleep", "<1", "7?", "~7", "7 (moderate)", "6,5", "7-6", "12/10", "7/5",
                        "0-100: 7", "0-10: 12", "2024-07-06"]),
        (ValueRules(fractions=False), ["0-10: 7"]),
    ]
    reasons = set()
    for rules, texts in cells:
        reasons |= set(parse_values(texts, rules, 10).reason)
    reasons |= set(parse_values(["7/10", "0-10: 7"], ValueRules()).reason)
    reasons.discard("")
    assert len(reasons) == 19
    for why in reasons:
        assert f"`{why}`" in section, why


def test_value_rules_are_hashable_and_equal_by_content():
    a = ValueRules(text={"Denies pain": 0, "Asleep": None})
    b = ValueRules.from_dict(a.to_dict())
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert ValueRules(ranges="lower") != ValueRules()


def test_the_docstring_example_runs():
    import doctest

    from analysis.io import values
    assert doctest.testmod(values).failed == 0


def test_the_word_exclude_is_null_for_toml():
    import tomllib
    toml = 'ranges = "upper"\n[text]\n"Denies pain" = 0\n"Patient asleep" = "exclude"\n'
    rules = ValueRules.from_dict(tomllib.loads(toml))
    assert rules == ValueRules(ranges="upper", text={"Denies pain": 0, "Patient asleep": None})
    assert read("patient asleep", rules)[2] == "text answer 'patient asleep' is excluded by the mapping"
    assert rules.to_dict(excluded_as="exclude")["text"] == {"Denies pain": 0.0, "Patient asleep": "exclude"}
    assert ValueRules.from_dict(rules.to_dict(excluded_as="exclude")) == rules


@pytest.mark.parametrize("text, expected", [("8/10 - severe", 8.0), ("7/10 (moderate)", 7.0), ("3 / 10 = mild", 3.0)])
def test_a_fraction_with_a_note_reads_with_annotated_numbers_and_is_left_out_without(text, expected):
    assert same(read(text, ValueRules(annotated_numbers=True), 10), (expected, False, "", "fraction"))
    assert np.isnan(read(text, ValueRules(), 10)[0])


@pytest.mark.parametrize("code", ["UNK", "NASK", "ASKU", "NAVU", "OTH"])
def test_a_redcap_missing_data_code_is_excluded_saying_what_it_is(code):
    reason = read(code, ValueRules(), 10)[2]
    assert reason == f"a missing-data code ({code}: REDCap's unknown, not asked, ...), not a value"
    # written otherwise it is a text answer like any other
    assert read(code.lower(), ValueRules(), 10)[2] == f"text answer '{code.lower()}' has no value in the mapping"
