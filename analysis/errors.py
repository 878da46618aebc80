"""The one exception family the Python API raises for unusable input.

Every message names the file (and column, where there is one) and says what to do.
The CLI and the dashboard print ``str(error)``; neither ever shows a traceback.
"""
from __future__ import annotations


class DatasetError(ValueError):
    """A dataset that cannot be used at all. ``str(err)`` is a user-facing message.

    Attributes
    ----------
    file : str or None
        The file at fault, where there is one.
    column : str or None
        The column at fault, where there is one.
    """

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None):
        super().__init__(message)
        self.file = file
        self.column = column


class MissingColumnError(DatasetError):
    """A required column is absent (after case-insensitive matching and the mapping)."""


class EmptyDatasetError(DatasetError):
    """A file, or the whole dataset, has no usable rows."""


class UnreadableFileError(DatasetError):
    """A file is not a CSV/Parquet file we can read (encoding, binary content, bad zip)."""


class ResourceLimitError(UnreadableFileError):
    """A file (or zip) would need more memory or time than the limits allow (analysis/limits.py)."""


class IdentifierError(DatasetError):
    """A column looks like a direct identifier; the data must be anonymised first."""


class MappingError(DatasetError):
    """A column-mapping file or option is malformed."""


class AnalysisError(ValueError):
    """An analysis cannot be computed with the given options (e.g. unknown grouping column)."""


class MissingFileError(DatasetError):
    """A required file is absent: no ``assessments.csv`` in the folder/zip, or a path that does not exist."""
