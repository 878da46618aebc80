"""Reading clinics' own exports (REDCap, EHR flowsheets and medication records, spreadsheets).

The modules here translate an export, as exported, into the canonical tables that
:mod:`analysis.load` validates; see docs/data-format.md, "Clinic exports".
"""
