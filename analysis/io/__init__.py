"""Loading: the canonical files and clinics' own exports (REDCap, EHR flowsheets and medication
records, spreadsheets).

The canonical files go source -> reader -> identifier guard -> validation (``sources``,
``csv_reader``/``parquet_reader``, ``identifiers``, ``validate`` with ``ledger``); an export is
first translated into the canonical tables (``reader``) and then validated by the same code; see
docs/architecture.md and docs/data-format.md, "Clinic exports". The public entry is
:mod:`analysis.load`.
"""
