"""Day numbers counted again from each episode of care (an ePPOC-style research extract): the load warns."""
from __future__ import annotations

from analysis import load_files
from analysis.io.episode_clocks import is_episode_name

_TREATMENTS = b"episode_id,patient_id,days_from_referral,treatment\n1,P1,5,Ketamine\n2,P1,6,Ketamine\n3,P2,5,Ketamine\n"


def _proms(rows: str) -> bytes:
    return ("episode_id,patient_id,days_from_referral,bpi_average\n" + rows).encode()


def test_a_second_episode_whose_days_start_again_at_zero_is_warned_with_what_to_do():
    ds = load_files({"proms.csv": _proms("1,P1,0,8\n1,P1,30,4\n2,P1,0,7\n2,P1,30,6\n3,P2,0,6\n3,P2,30,3\n"),
                     "ket.csv": _TREATMENTS})
    warned = [w for w in ds.report.warnings if "start again" in w]
    assert len(warned) == 1
    assert warned[0].startswith("proms.csv: the day numbers in 'days_from_referral' start again with each 'episode_id'")
    assert "1 patient(s)" in warned[0] and "'P1'" in warned[0] and "map the episode column as the patient id" in warned[0]


def test_episodes_laid_out_one_after_another_are_not_warned():
    # The same patient's second episode counted on from the first (days 100 and 130): one timeline, as written.
    ds = load_files({"proms.csv": _proms("1,P1,0,8\n1,P1,30,4\n2,P1,100,7\n2,P1,130,6\n3,P2,0,6\n3,P2,30,3\n"),
                     "ket.csv": _TREATMENTS.replace(b"2,P1,6,", b"2,P1,106,")})
    assert not [w for w in ds.report.warnings if "start again" in w]


def test_the_suggested_mapping_reads_each_episode_on_its_own_timeline():
    mapping = {"crps_outcomes_mapping": 1, "files": [
        {"match": "proms.csv", "columns": {"episode_id": "patient_id", "patient_id": "ignore",
                                           "days_from_referral": "day",
                                           "bpi_average": {"role": "measure", "measure": "pain_nrs"}}},
        {"match": "ket.csv", "columns": {"episode_id": "patient_id", "patient_id": "ignore",
                                         "days_from_referral": "day", "treatment": "treatment"}}]}
    ds = load_files({"proms.csv": _proms("1,P1,0,8\n1,P1,30,4\n2,P1,0,7\n2,P1,30,6\n3,P2,0,6\n3,P2,30,3\n"),
                     "ket.csv": _TREATMENTS}, mapping=mapping)
    assert not [w for w in ds.report.warnings if "start again" in w]
    assert len(ds.treatments) == 3 and ds.report.rows_excluded == 0


def test_names_of_an_episode_of_care_and_not_of_its_dates():
    for name in ("episode_id", "EpisodeID", "Episode number", "Referral ID", "episode"):
        assert is_episode_name(name), name
    for name in ("Episode start", "ReferralDate", "episode_end_date", "Encounter ID", "Visit"):
        assert not is_episode_name(name), name
