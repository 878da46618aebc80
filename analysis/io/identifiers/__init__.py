"""The identifier guard: refuse columns that look like direct identifiers.

Outcome data must be anonymised before it is loaded. A column is refused when its **name** says
it is an identifier, or when its **content** looks like one. Both checks know the usual spellings
in English, German, French, Spanish, Italian and Dutch.

Name check (:func:`name_reason`)
    ``dob``, ``date_of_birth``, ``fecha_nacimiento``, ``date_de_naissance``, ``Geburtsdatum``,
    ``name``, ``surname``, ``Vorname``, ``apellidos``, ``cognome``, ``achternaam``, ``email``,
    ``phone``, ``Telefon``, ``address``, ``Adresse``, ``zip``, ``PLZ``, ``ssn``, ``nhs_number``,
    ``codice_fiscale``, ``DNI``, ``BSN``, ``Sozialversicherungsnummer``, ``mrn``, ... alone or inside
    a longer name (``patient_email``, ``home_phone``). A word used in another meaning does not
    count: ``nhs_trust``, ``phone_followup``, ``email_consent``, ``street_drug_use``, ``zip3``
    (the 3-digit ZIP area HIPAA Safe Harbor allows), ``drug_name``, ``birth_weight``.

Content check (:func:`content_reason`), on **every distinct value** of the column (the verdict is a
function of the set of distinct non-empty values, so it is the verdict of checking every row):

* *any* value holding an e-mail address (also written ``alice(at)example.org``), and any
  free-text value (three words or more) holding a phone number, a person's full name
  (``John Smith``, ``Mrs Jones``) or a date of birth (``DOB 12/03/1961``);
* at least half (:data:`CONTENT_SHARE`) of the distinct values being one kind of identifier:
  calendar dates (ISO, day-first, month-first, dotted, two-digit years, written out in six
  languages, ``YYYYMMDD``), national numbers (US SSN, UK NI and NHS, Dutch BSN, Spanish DNI/NIE,
  Italian codice fiscale, German social insurance number, French NIR, Nordic, Belgian, Swiss),
  medical record numbers (``MRN-0012345``), phone numbers (also 10-digit numbers without
  separators), exact postcodes, street addresses or person names (full names, ``Smith, J.``,
  single first names or surnames from lists of common names in many languages, Chinese and
  Korean names).

Calendar dates in a column mapped as a visit or treatment date (``date_columns``) are expected:
the loader turns them into days and drops them. Elsewhere the message says so: map the column as a
date if these are visit or treatment dates; dates of birth must be removed. A column mapped as a
date whose *name* says date of birth stays refused.

Deliberately *not* flagged: hospital and site names (``St Mary's Hospital``), cities
(``San Jose``), doses (``1800 mg``), score values, and digits-only values below 1,000,000 (they cannot
be told apart from scores and pseudonymous ids; name such columns so the name check catches them).

The content checks join a column's distinct values into one text, a value per line, and run each
regular expression over it once (in C); Python looks only at the few values a pattern singles out
(check digits, name lists, free text).

Modules: ``names`` (the name check), ``patterns`` (word lists and regular expressions),
``content`` (the content check of a column's distinct values), ``guard`` (the columns of a file:
:func:`find_identifier_columns`, which the readers of ``analysis/io`` call, and
:class:`~analysis.io.identifiers.guard.IdentifierGuard`, the loader's guard with its per-load cache).
Public: :func:`name_reason`, :func:`content_reason`, :func:`content_kind`,
:func:`find_identifier_columns`, :func:`numbers_never_flagged`.

References: HIPAA Privacy Rule, de-identification by Safe Harbor, 45 CFR 164.514(b)(2) (the 18
identifiers: names, geographic subdivisions smaller than a state except the first three ZIP digits,
all elements of dates except the year, phone numbers, e-mail addresses, social security, medical
record and other account numbers, ...); NHS number check digit: NHS Data Dictionary, "NHS Number";
BSN "elfproef": Dutch Wet algemene bepalingen burgerservicenummer; DNI letter: Spanish Real
Decreto 1553/2005.
"""
from __future__ import annotations
from .content import (CONTENT_SHARE, MIN_SIGNIFICANT_DIGITS, NEVER_FLAGGED_BELOW, REASONS, content_kind,
                      content_reason, date_advice, numbers_never_flagged)
from .guard import IdentifierGuard, find_identifier_columns
from .names import name_reason, rename_hint

__all__ = ["CONTENT_SHARE", "MIN_SIGNIFICANT_DIGITS", "NEVER_FLAGGED_BELOW", "REASONS", "IdentifierGuard",
           "content_kind", "content_reason", "date_advice", "find_identifier_columns", "name_reason",
           "numbers_never_flagged", "rename_hint"]
