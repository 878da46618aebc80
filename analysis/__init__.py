"""CRPS Outcomes analysis engine (pure Python; never imports Streamlit)."""
from .dataset import Dataset, FileCounts, LoadReport
from .definitions import Definitions
from .errors import (DatasetError, EmptyDatasetError, IdentifierError, MappingError, MissingColumnError,
                     MissingFileError, UnreadableFileError)
from .load import load_dataset, load_files
