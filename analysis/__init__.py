"""CRPS Outcomes analysis engine (pure Python; never imports Streamlit)."""
from .dataset import Dataset, FileCounts, LoadReport
from .definitions import Definitions
from .errors import (DatasetError, EmptyDatasetError, IdentifierError, MappingError, MissingColumnError,
                     MissingFileError, UnreadableFileError)
from .load import load_dataset, load_files
from .errors import AnalysisError
from .survival import KaplanMeierResult, LogrankResult, kaplan_meier, logrank
from .cox import CoxResult, cox_regression
from .gee import RiskRegressionResult, risk_regression
from .competing import CumulativeIncidence, cumulative_incidence
from .intervals import mean_ci_table, proportion_ci_table, wilson_ci
from .episodes import Episodes, build_episodes
from .relief import (attrition, cumulative_responders, immediate_relief, relief_over_time, responder_rate,
                     responder_rates, responder_sensitivity)
from .duration import relief_duration, time_to_spread
from .secondary import remission_over_time, score_over_time
from .cohort import cohort_summary
from .comparisons import (booster_summary, estimand_comparison, relief_competing_risks, relief_hazard_model,
                          responder_comparison, time_to_next_course)
from .summary import Summary, summarize

__all__ = [
    "AnalysisError", "CoxResult", "Dataset", "DatasetError", "Definitions", "EmptyDatasetError", "Episodes", "FileCounts",
    "IdentifierError", "KaplanMeierResult", "LoadReport", "LogrankResult", "MappingError", "MissingColumnError",
    "MissingFileError", "Summary", "UnreadableFileError", "attrition", "build_episodes", "booster_summary", "cohort_summary", "estimand_comparison", "relief_competing_risks",
    "relief_hazard_model", "responder_comparison", "time_to_next_course", "cox_regression", "cumulative_incidence", "CumulativeIncidence",
    "cumulative_responders", "immediate_relief", "kaplan_meier", "load_dataset", "load_files", "logrank",
    "mean_ci_table", "proportion_ci_table", "relief_duration", "relief_over_time", "remission_over_time",
    "responder_rate", "responder_rates", "responder_sensitivity", "risk_regression", "RiskRegressionResult", "score_over_time", "summarize",
    "time_to_spread", "wilson_ci",
]
