"""An appointment's status read where a file's action column is expected: whether the visit took place.

An appointment or encounter report of a practice-management system (ModMed, Nextech, eClinicalWorks) or of a
practice's booking software (SimplePractice, Jane, IntakeQ) writes each appointment's status beside its type:
``Appt Status`` Checked Out / Cancelled / No Show, SimplePractice's ``Status`` Show / Canceled / Late Canceled /
No Show / Clinician Canceled, Jane's ``State`` Arrived / No Show / Cancelled. Read as the actions of a
medication-administration record, no status was a start ("Checked Out" is no ``Given``) and a ``Cancelled`` at
the minute of an infusion would withdraw it as a correction does; read as an entry's status
(:mod:`analysis.io.entry_status`), a ``Canceled`` appointment was "charted in error" and a ``No Show`` an
infusion. An appointment status is none of that:

* a status saying the appointment took place (:data:`HELD`: ``Checked Out``, ``Completed``, ``Arrived``,
  ``Checked In``, ``Seen``, ``Attended``, ``Show``, ``Fulfilled``) makes the session of its row an
  administration;
* any other status (:data:`NOT_HELD`: ``Cancelled``, ``Late Canceled``, ``Clinician Canceled``, ``No Show``,
  ``Missed``, ``Rescheduled``, ``Did not attend``; or one that does not say it took place: ``Scheduled``,
  ``Confirmed``) gives no administration: that row's treatment is listed as excluded, with the status as the
  reason. Its scores, if any, are read as a plain visit's (a pre-infusion score taken before the infusion was
  called off is still the patient's score);
* where no status of the column says an appointment took place, a ``Confirmed`` one did (:data:`CONFIRMED`):
  IntakeQ keeps an appointment that took place as ``Confirmed`` and writes only ``Confirmed``, ``Canceled``,
  ``Missed``, ``Declined``. Read as booked only, every infusion of such an export was dropped. A warning says
  so: an appointment confirmed for a date after the export was taken would be counted too. So is an infusion
  schedule's ``Scheduled`` beside its ``Cancelled`` (any firm booking, where no status says one took place);
* a status is never a correction: it withdraws no other row's administration.

A column is an appointment status by its name (:data:`STATUS_NAME`: ``Appt Status``, ``Appointment Status``,
``Visit Status``, ``Encounter Status``) or, whatever its name (``Status``, ``State``), when every value is an
appointment's status and either one of them only an appointment writes (``Checked Out``, ``No Show``,
``Arrived``, ``Show``, ``Late Canceled``) or, under a status's name (``Status``, ``State``), a booking
(``Confirmed``, ``Scheduled``, ``Booked``) stands beside one that did not take place (``Canceled``, ``Missed``).
In other languages (docs/data-format.md lists the words): ``Erschienen``, ``Verschenen``, ``Asistió`` and their
negations are written only by an appointment; Doctolib's ``Honoré`` / ``Non honoré``, ``Non presentato``,
``Disdetto``, ``Afgezegd`` (:data:`_NAMED_APPOINTMENTS`) also by a payment, a claim or a taxi, and tell an appointment
status only under a status's name and beside a status saying one took place (``Honoré``, ``Effettuato``);
``Absent``, ``Present``, ``Venu`` (:data:`_ATTENDANCE`: any register's attendance) only under an appointment status's
name (``Statut du rendez-vous``, ``Appt Status``); ``Réalisé``, ``Effettuato``, ``Realizada``
(done, as an order's ``Completed``) only beside one of those or under an appointment status's name. Statuses are
matched whatever their case, with or without accents, composed or not.
A warning names a column of which no treatment row took place, and one whose 'Confirmed' rows outnumber those
that took place. A medication record's ``Status`` of Given / Held /
Refused holds values no appointment writes: it stays the record's action (its ``Held`` is a dose not given).
docs/data-format.md, "Appointment and encounter reports", says the same for users.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: The name of an appointment's, a visit's or an encounter's status column (English, German, French, Spanish).
STATUS_NAME = re.compile(r"(?i)^\s*(?:(?:appt|appointment|visit|encounter|termin|terminstatus|rendez[\s-]*vous|rdv|"
                         r"cita|besuch|afspraak|appuntamento)[\s_./-]*(?:status|state|statut|estado|stato)|"
                         # the other order of French, Spanish, Italian: 'Statut du rendez-vous', 'Estado de la cita'
                         r"(?:statut|estado|stato|status)[\s_./-]*(?:(?:du|de|del|della|dell|de[\s_]+la|van[\s_]+de)"
                         r"[\s_.'’/-]*)?(?:rendez[\s-]*vous|rdv|cita|appuntamento|afspraak|visita|termins?))\s*$")
#: A bare status column's name ('Status', 'State'): a booking beside a cancellation tells an appointment
#: status only under such a name (or :data:`STATUS_NAME`): a 'Consent', 'Insurance verified', 'Prior auth' or
#: 'Transport' column of Confirmed / Declined / Booked / Cancelled is no appointment's (the regression review: each
#: dropped the infusions of the patients it said 'Declined', or every infusion).
BARE_STATUS_NAME = re.compile(r"(?i)^\s*(?:status|state|statut|estado|stato|zustand)\s*$")
#: An appointment that took place.
HELD = re.compile(r"(?i)\s*(?:checked[\s-]*out|check[\s-]*out|checked[\s-]*in|check[\s-]*in|completed?|arrived|seen|"
                  r"attended|kept|done|in[\s-]*room|roomed|with[\s-]*provider|ready[\s-]*for[\s-]*checkout|"
                  r"show|showed|fulfilled|"
                  r"erschienen|abgeschlossen|termin[ée]e?|pr[ée]sente?|atendid[oa]|completad[oa]|"
                  # French (Doctolib), Dutch, Italian, Spanish
                  r"honor[ée]e?|r[ée]alis[ée]e?|effectu[ée]e?|venue?|verschenen|afgerond|effettuat[oa]|eseguit[oa]|"
                  r"completat[oa]|asisti[oó]|realizad[oa])\s*")
#: An appointment that did not take place.
NOT_HELD = re.compile(r"(?i)\s*(?:cancell?ed|cancell?ed[\s-]*by[\s-]*\w+|late[\s-]*cancel\w*|"
                      r"(?:client|patient|pt|clinician|clinic|provider|practitioner|therapist|doctor|office|staff)"
                      r"[\s-]*cancell?ed|declined|not[\s-]*seen|no[\s-]*showed|"
                      r"no[\s-]*show|noshow|did[\s-]*not[\s-]*attend|dna|rescheduled|bumped|missed|"
                      r"left[\s-]*without[\s-]*being[\s-]*seen|lwbs|deleted|abgesagt|nicht[\s-]*erschienen|"
                      r"annul[ée]e?|absente?|cancelad[oa]|no[\s-]*asisti[oó]|storniert|nicht[\s-]*wahrgenommen|"
                      r"non[\s-]*(?:honor[ée]e?|r[ée]alis[ée]e?|effectu[ée]e?|venue?|effettuat[oa]|presentat[oa])|"
                      r"niet[\s-]*verschenen|geannuleerd|afgezegd|annullat[oa]|disdett[oa]|assente|"
                      r"no[\s-]*realizad[oa]|no[\s-]*se[\s-]*present[oó])\s*")
#: Statuses only an appointment writes (a MAR's 'Completed' or 'Missed' could be either).
_ONLY_APPOINTMENTS = re.compile(r"(?i)\s*(?:checked[\s-]*out|check[\s-]*out|checked[\s-]*in|arrived|no[\s-]*show|noshow|"
                                r"rescheduled|did[\s-]*not[\s-]*attend|dna|lwbs|late[\s-]*cancel\w*|roomed|in[\s-]*room|"
                                r"erschienen|nicht[\s-]*erschienen|nicht[\s-]*wahrgenommen|verschenen|"
                                r"niet[\s-]*verschenen|asisti[oó]|no[\s-]*asisti[oó]|no[\s-]*se[\s-]*present[oó]|"
                                r"show|showed|no[\s-]*showed|fulfilled|"
                                r"(?:client|patient|pt|clinician|clinic|provider|practitioner|therapist|doctor|office|staff)"
                                r"[\s-]*cancell?ed|cancell?ed[\s-]*by[\s-]*\w+)\s*")
#: The other statuses of a booking, that do not say it took place.
_BOOKED = re.compile(r"(?i)\s*(?:scheduled|confirmed|booked|pending|unconfirmed|tentative|waitlist(?:ed)?|"
                     r"waiting[\s-]*confirmation|awaiting[\s-]*confirmation|requested|"
                     r"geplant|best[äa]tigt|pr[ée]vue?|confirm[ée]e?|programad[oa]|confirmad[oa]|gepland|bevestigd|"
                     r"programmat[oa]|confermat[oa]|prenotat[oa])\s*")
#: A booking firm enough to tell, beside a status of an appointment that did not take place, a column of
#: appointments (a patient's or an order's status writes neither).
_FIRM_BOOKING = re.compile(r"(?i)\s*(?:scheduled|confirmed|booked|geplant|best[äa]tigt|confirm[ée]e?|programad[oa]|"
                           r"confirmad[oa]|gepland|bevestigd|programmat[oa]|confermat[oa]|prenotat[oa])\s*")
#: Statuses of an appointment that another column can write too: a payment's 'Honoré' / 'Non honoré' (a cheque
#: honoured or bounced), a claim's 'Non presentato' (not submitted) or 'Disdetto', a transport's 'Afgezegd'. Under a
#: bare status's name ('Statut', 'Stato', 'Status') they tell an appointment status only beside a status saying an
#: appointment took place (:data:`HELD`, not an attendance word): Doctolib's 'Honoré' / 'Non honoré', an Italian
#: 'Effettuato' / 'Non presentato'. A claim's 'Stato' of 'Non presentato' / 'Disdetto' alone excluded every infusion
#: as "the appointment did not take place" (the regression review).
_NAMED_APPOINTMENTS = re.compile(r"(?i)\s*(?:(?:non[\s-]*)?honor[ée]e?|non[\s-]*presentat[oa]|disdett[oa]|"
                                 r"afgezegd)\s*")
#: Attendance words any register writes (a class, a shift, a log of given infusions: 'Present' / 'Absent' beside
#: the infusion's pre and post scores): an appointment's status only under an appointment status's name
#: (:data:`STATUS_NAME`). Under a bare 'Status' they dropped the 'Absent' rows of given infusions (the regression
#: review).
_ATTENDANCE = re.compile(r"(?i)\s*(?:absente?|assente|pr[ée]sente?|presenti|non[\s-]*venue?|venue?)\s*")
#: Where no status says an appointment took place, the one that did (IntakeQ's Confirmed).
CONFIRMED = re.compile(r"(?i)\s*(?:confirmed|best[äa]tigt|confirm[ée]e?|confirmad[oa]|bevestigd|confermat[oa])\s*")

R_NOT_HELD = "the appointment did not take place (status {status!r}): no administration"
R_NO_STATUS = "the appointment's status is empty, so it is not said to have taken place: no administration"
W_NONE_HELD = ("{file}: no appointment of {header!r} is said to have taken place ({words}): all {n} treatment row(s) "
               "are left out. If {header!r} is not the appointments' status, give it the role \"ignore\" in the "
               "mapping.")
W_BLANK = ("{file}: {n} treatment row(s) have an empty {header!r} beside statuses saying other appointments took "
           "place: they are not said to have taken place and are left out (each listed). If an empty status means the "
           "treatment was given, write it in the export or give {header!r} the role \"ignore\" in the mapping.")
W_MOSTLY_BOOKED = ("{file}: {header!r} marks {booked} treatment row(s) 'Confirmed' and {held} as taken place: the "
                   "'Confirmed' ones are read as booked only (no administration). If 'Confirmed' means the treatment "
                   "was given, check the courses: they are fewer than the rows.")
W_CONFIRMED = ("{file}: {header!r} says of no appointment that it took place (no 'Show', 'Arrived', 'Completed', "
               "'Checked Out'): its {confirmed} appointment(s) marked {words} are read as having taken place (IntakeQ "
               "keeps an appointment that took place as 'Confirmed'); those marked otherwise ({others}) give no "
               "administration. An appointment confirmed for a date after the export was taken is counted too: "
               "leave such rows out of the export if it has any.")


def is_appointment_status(values: np.ndarray, name: str | None = None) -> bool:
    """Whether a column is an appointment's status (module docstring): by its ``name``, or by its values."""
    distinct = pd.Series(pd.unique(_cells(values[values != ""])), dtype=object)
    if not 1 <= len(distinct) <= 20:
        return False
    known = distinct.str.fullmatch(HELD) | distinct.str.fullmatch(NOT_HELD) | distinct.str.fullmatch(_BOOKED)
    if name is not None and STATUS_NAME.fullmatch(str(name)):
        # Named so, its values still decide: a medication record's 'Visit Status' of Given / Held is the MAR's
        # action (read by its name alone, every 'Given' infusion was "an appointment that did not take place").
        return bool(known.any())
    as_status = name is None or named_status(name)
    booking = distinct.str.fullmatch(_FIRM_BOOKING).any() and distinct.str.fullmatch(NOT_HELD).any() and as_status
    took_place = distinct.str.fullmatch(HELD) & ~distinct.str.fullmatch(_ATTENDANCE)
    named = as_status and distinct.str.fullmatch(_NAMED_APPOINTMENTS).any() and took_place.any()
    return bool(known.all() and (distinct.str.fullmatch(_ONLY_APPOINTMENTS).any() or booking or named))


def _cells(values: np.ndarray) -> pd.Series:
    # An export's 'Honoré' may come decomposed (e + a combining accent, as macOS writes it): composed, it is matched.
    return pd.Series(values, dtype=object).fillna("").astype(str).str.normalize("NFC")


def named_status(name: str) -> bool:
    """A column named as a status: ``Status``, ``State`` (:data:`BARE_STATUS_NAME`) or an appointment's status
    (:data:`STATUS_NAME`)."""
    return bool(BARE_STATUS_NAME.fullmatch(str(name)) or STATUS_NAME.fullmatch(str(name)))


def held(values: np.ndarray) -> np.ndarray:
    """Whether each status says the appointment took place (:data:`HELD`; where none of ``values`` does, a firm
    booking: IntakeQ's ``Confirmed``, an infusion schedule's ``Scheduled`` beside its ``Cancelled``)."""
    cells = _cells(values)
    said = cells.str.fullmatch(HELD)
    if said.any():
        return said.to_numpy(dtype=bool)
    # Nothing says an appointment took place: a firm booking did, and so did an appointment whose status is left
    # blank beside those that did not ('', 'No Show', 'Cancelled': a log that writes only what went wrong; read as
    # not held, the second review's infusion log lost every infusion).
    return (cells.str.fullmatch(_FIRM_BOOKING) | (cells.str.strip() == "")).to_numpy(dtype=bool)


def read_statuses(status: np.ndarray, has: np.ndarray, file: str, header: str, rows: np.ndarray, lines: np.ndarray,
                  obs) -> tuple[np.ndarray, np.ndarray]:
    """The rows of a treatment (``has``) whose appointment took place (their administrations), and the rows
    listed as left out (the others, each with its status as the reason): as
    :func:`analysis.io.mar_actions.read_actions` returns them, without its corrections."""
    start = has & held(status)
    gone = has & ~start
    cells = _cells(status)
    said_held = cells.str.fullmatch(HELD).to_numpy(dtype=bool)
    if start.any() and not said_held.any():
        obs.warnings.append(W_CONFIRMED.format(
            file=file, header=header, confirmed=int(start.sum()),
            words=", ".join(repr(str(v)) if str(v) else "(blank)" for v in pd.unique(status[start])),
            others=", ".join(repr(str(v)) for v in pd.unique(status[gone])[:6]) or "none"))
    booked = has & cells.str.fullmatch(CONFIRMED).to_numpy(dtype=bool)
    if said_held.any() and booked.sum() > (has & said_held).sum():
        # A tracker whose 'Confirmed' means the infusion was confirmed given, beside a few 'Completed' (a course
        # finished): read as booked only, most infusions would go unsaid (the regression review's case18).
        obs.warnings.append(W_MOSTLY_BOOKED.format(file=file, header=header, booked=int(booked.sum()),
                                                   held=int((has & said_held).sum())))
    blank = has & (cells.str.strip() == "").to_numpy(dtype=bool) & ~start
    if blank.any():
        # Beside 'Show' / 'No Show', a blank is not said to have taken place; a log that leaves given infusions blank
        # would lose them, listed one by one but unsaid in the report (the fourth review): said here.
        obs.warnings.append(W_BLANK.format(file=file, header=header, n=int(blank.sum())))
    if has.any() and not start.any():
        obs.warnings.append(W_NONE_HELD.format(file=file, header=header, n=int(has.sum()),
                                               words=", ".join(repr(str(v)) for v in pd.unique(status[has])[:6])))
    codes, uniques = pd.factorize(pd.Series(status[gone], dtype=object))
    said = np.asarray([R_NOT_HELD.format(status=str(u)) if str(u) else R_NO_STATUS for u in uniques], dtype=object)
    obs.exclude(rows[gone], file, lines[gone], header, status[gone],
                said[codes] if len(codes) else np.zeros(0, dtype=object))
    return start, gone
