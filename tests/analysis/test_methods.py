"""analysis/methods.py: every sentence that defines a number is written once and read by every output."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis import methods
from analysis.definitions import Definitions

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = [
    Definitions(),
    Definitions(threshold=40, thresholds=(30, 40, 50), retreatment_is_event=True, first_episode_only=True,
                km_conf_type="log", min_cell_size=3),
    Definitions(cluster_method="bootstrap", n_bootstrap=50, conf_level=0.9, measure="phq9"),
]


@pytest.mark.parametrize("d", VARIANTS)
def test_definitions_describe_is_the_methods_text(d):
    assert d.describe() == methods.describe(d)


def test_describe_states_each_definition_with_its_value():
    d = VARIANTS[1]
    text = " ".join(methods.describe(d))
    for words in ("Outcome measure: Pain NRS (0-10).", "no later than day 182", "from 14 days before the start",
                  "within 2 days after the start", "Responder: relief >= 40% (thresholds shown: 30%, 40%, 50%",
                  "relief < 40%; the next treatment start also counts as loss of relief", "on the log scale",
                  "Only each patient's first episode", "fewer than 3 patients"):
        assert words in text, words
    boot = " ".join(methods.describe(VARIANTS[2]))
    assert "Outcome measure: PHQ-9 depression (0-27)." in boot
    assert "Intervals: 90%;" in boot and "bootstrap (50 replicates, seed 20260101)" in boot


def test_the_relief_duration_caption_censors_as_the_definitions_say():
    # The caption once said episodes were censored "(and at the next treatment start)"; they are
    # censored at their last follow-up score, which comes before it (docs/methods.md).
    d = Definitions()
    cap = methods.caption_relief_duration(d, "95%")
    assert "censored at their last follow-up score." in cap and "next treatment start" not in cap
    assert "episodes without one are censored at their last follow-up score." in methods.describe(d)[7]
    retx = methods.caption_relief_duration(d.replace(retreatment_is_event=True), "95%")
    assert "The next treatment start also counts as loss of relief." in retx
    assert "relief \u2265 the threshold" in methods.caption_relief_duration(None, "95%")


@pytest.mark.parametrize("measure,cite", [("phq9", "(Kroenke et al. 2001)"), ("gad7", "(Spitzer et al. 2006)")])
def test_remission_cites_the_measures_own_source(measure, cite):
    assert methods.caption_remission(measure, 5.0).endswith(f"score < 5 {cite}.")


def test_remission_of_an_unknown_measure_cites_nothing():
    assert methods.caption_remission("my_scale", 3.0) == "Remission: my_scale score < 3."


@pytest.mark.parametrize("t,label", [(30, "30% (moderate)"), (50.0, "50% (substantial)"), (40, "40%"),
                                     (32.5, "32.5%")])
def test_threshold_label(t, label):
    assert methods.threshold_label(t) == label


def test_filters_text():
    assert methods.filters_text(None) == "none (all episodes of the dataset)"
    assert methods.filters_text({"sex": ["F"], "age": (18.0, 65.5)}) == "sex in {F}; age from 18 to 65.5"


def test_methods_paragraph_states_the_definitions_used():
    d = VARIANTS[1]
    p = methods.methods_paragraph(d, ("treatment",), {"sex": ["F"]}, "ab" * 32)
    for words in ("last Pain NRS (0-10) score in the 14 days", "relief of at least 40%",
                  "with the next treatment counted as loss of relief", "on the log scale", "given by treatment",
                  "filters: sex in {F}", "fewer than 3 patients", "dataset SHA-256 abababababababab..."):
        assert words in p, words


def _imports(path: Path) -> set[str]:
    """Modules of ``analysis`` a file imports anywhere (module level or inside functions)."""
    out = set()
    for n in ast.walk(ast.parse(path.read_text())):
        if isinstance(n, ast.ImportFrom) and n.level == 1:
            if n.module:
                out.add(n.module.split(".")[0])
            else:
                out |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("analysis."):
            out.add(n.module.split(".")[1])
    return out


def test_the_text_modules_take_part_in_no_import_cycle():
    # definitions -> methods -> measures: methods may not reach back to definitions (or to the
    # loader, which imports definitions), not even inside a function.
    files = {p.stem: p for p in (ROOT / "analysis").glob("*.py")}
    graph = {m: {i for i in _imports(p) if i in files} for m, p in files.items()}
    for start in ("measures", "methods", "definitions", "documents"):
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            seen.add(m)
            todo.extend(graph.get(m, ()))
        assert start not in seen, f"analysis.{start} imports itself through {sorted(seen)}"
    # measure_names (the directions that instruments' names tell) is a leaf: it imports no analysis module
    assert graph["methods"] == {"measures"} and graph["measures"] <= {"measure_names"}
    assert graph["measure_names"] == set()
