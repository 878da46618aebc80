"""The name check of the identifier guard: a column *name* that says it holds an identifier
(``dob``, ``Vorname``, ``patient_email``, ...), in six languages; see :mod:`analysis.io.identifiers`."""
from __future__ import annotations

import functools
import re
import unicodedata

_PERSON = "person name"
_DOB = "date of birth"
_EMAIL = "e-mail address"
_PHONE = "phone number"
_ADDRESS = "street address"
_NATIONAL = "national ID number"
_ZIP = "ZIP/postcode"
_MRN = "medical record number"
_IP = "IP address"
_GEO = "geolocation (latitude or longitude)"


def _fold(text: str) -> str:
    """Lower case without accents (``Prénom`` -> ``prenom``, ``Straße`` -> ``strasse``)."""
    text = unicodedata.normalize("NFKD", str(text).replace("ß", "ss").replace("ẞ", "ss"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _tokens(name: str) -> list[str]:
    """Words of a column name: camelCase split, letters and digits apart, accents removed."""
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", str(name))
    return re.findall(r"[a-z]+|[0-9]+", _fold(s))


# Whole names (words joined) that are identifiers whatever else: the key is the compact name.
_EXACT_NAMES = {
    **dict.fromkeys(["name", "names", "fullname", "nombre", "nom", "nome", "naam", "namen", "nombrecompleto",
                     "nomcomplet", "nomecompleto", "volledigenaam", "vollername", "patientname", "patientenname",
                     "nompatient", "nombrepaciente", "nomepaziente", "patientnaam", "initials", "iniciales",
                     "initiales", "iniziali", "initialen", "nameandsurname"], _PERSON),
    **dict.fromkeys(["dob", "birthday", "bday", "ddn", "fnac", "gebdat", "gebdatum"], _DOB),
    **dict.fromkeys(["email", "mail", "emailaddress", "courriel", "correo", "correoelectronico", "posta",
                     "postaelettronica", "adressemail", "mailadres", "emailadres"], _EMAIL),
    **dict.fromkeys(["phone", "telephone", "tel", "telefon", "telefono", "telefoon", "mobile", "mobil", "handy",
                     "movil", "cellulare", "cell", "cellphone", "fax", "portable", "gsm", "mobiel", "tlf", "tfno",
                     "telefonnummer", "telefoonnummer", "numerodetelephone", "numerotelephone", "numerotelefono",
                     "mobilenumber", "handynummer", "mobiltelefon"], _PHONE),
    **dict.fromkeys(["address", "addressline1", "addressline2", "adresse", "anschrift", "direccion", "domicilio",
                     "indirizzo", "adres", "strasse", "calle", "straat", "rue", "wohnadresse", "homeaddress",
                     "streetaddress", "postaladdress"], _ADDRESS),
    **dict.fromkeys(["ssn", "nhs", "nhsno", "nhsnumber", "chi", "chinumber", "ninumber", "nino", "nationalid",
                     "nationalidnumber", "bsn", "burgerservicenummer", "dni", "nie", "nif", "nir", "nss", "insee",
                     "codicefiscale", "cf", "svnr", "svnummer", "sozialversicherungsnummer",
                     "rentenversicherungsnummer", "versichertennummer", "krankenversichertennummer", "kvnr",
                     "numerosecu", "numerodesecuritesociale", "tarjetasanitaria", "tesserasanitaria", "cip",
                     "personnummer", "cpr", "ahv", "avs", "passport", "passportnumber", "pasaporte", "passeport",
                     "reisepass", "paspoort", "passaporto", "insurancenumber", "medicare", "medicarenumber",
                     "medicaid", "healthcardnumber", "driverslicense", "driverlicense"], _NATIONAL),
    # Survey tools record them with each response (Qualtrics' IPAddress, LocationLatitude, LocationLongitude).
    **dict.fromkeys(["ipaddress", "ip", "ipaddr", "ipv4", "ipv6"], _IP),
    # Not 'gps' (the Global Pain Scale) nor 'coordinates'.
    **dict.fromkeys(["latitude", "longitude", "locationlatitude", "locationlongitude", "geolocation",
                     "gpscoordinates", "gpslocation"], _GEO),
    **dict.fromkeys(["zip", "zipcode", "postcode", "postalcode", "plz", "postleitzahl", "codepostal", "codigopostal",
                     "cap", "postcodecode"], _ZIP),
    **dict.fromkeys(["mrn", "medicalrecordnumber", "hospitalnumber", "hospitalno", "recordnumber", "nhc", "ipp",
                     "fallnummer", "fallnr", "aufnahmenummer", "patientennummer", "patientennr", "numerohistoria",
                     "historiaclinica", "numerodossier", "cartellaclinica", "ziekenhuisnummer", "urn", "emrn",
                     "ehrnumber", "accountnumber", "encounternumber"], _MRN),
}

# Words that make a name an identifier wherever they appear in it, unless a word of
# _MODIFIERS[kind] says the column is about something else (``phone_followup``).
_TOKENS = {
    **dict.fromkeys(["surname", "surnames", "forename", "forenames", "firstname", "lastname", "givenname",
                     "familyname", "maidenname", "middlename", "vorname", "vornamen", "nachname", "familienname",
                     "apellido", "apellidos", "prenom", "prenoms", "cognome", "achternaam", "voornaam",
                     "voornamen", "initials", "patientname"], _PERSON),
    **dict.fromkeys(["dob", "birthdate", "birthday", "geburtsdatum", "geburtstag", "geboortedatum",
                     "fechanacimiento", "datanascita", "datenaissance"], _DOB),
    **dict.fromkeys(["email", "emails", "courriel", "emailadresse"], _EMAIL),
    **dict.fromkeys(["phone", "telephone", "tel", "telefon", "telefono", "telefoon", "cellphone", "fax",
                     "telefonnummer", "telefoonnummer", "handynummer", "phonenumber"], _PHONE),
    **dict.fromkeys(["address", "street", "adresse", "anschrift", "strasse", "direccion", "domicilio",
                     "indirizzo", "adres", "straat"], _ADDRESS),
    **dict.fromkeys(["ssn", "passport", "bsn", "dni", "codicefiscale", "sozialversicherungsnummer", "svnr",
                     "burgerservicenummer", "personnummer", "nir", "kvnr", "versichertennummer"], _NATIONAL),
    **dict.fromkeys(["zip", "zipcode", "postcode", "plz", "postleitzahl", "postalcode", "codepostal",
                     "codigopostal"], _ZIP),
    **dict.fromkeys(["mrn", "nhc", "ipp", "fallnummer", "fallnr"], _MRN),
}
# Word sequences (joined) inside a name: ``date_of_birth_v2``, ``patient first name``.
_PHRASES = {
    **dict.fromkeys(["dateofbirth", "birthdate", "dateofbirthday", "fechadenacimiento", "fechanacimiento",
                     "fechanac", "datedenaissance", "datenaissance", "datadinascita", "datanascita",
                     "geboortedatum", "geburtsdatum", "datumgeboorte", "birthdt"], _DOB),
    **dict.fromkeys(["firstname", "lastname", "givenname", "familyname", "patientname", "fullname", "nomdefamille",
                     "nompatient", "nombrepaciente", "nomepaziente", "patientenname", "nomedelpaziente",
                     "nombredelpaciente", "nomdupatient", "nombrecompleto", "nomcomplet"], _PERSON),
    **dict.fromkeys(["emailaddress", "mailaddress", "correoelectronico", "adressemail", "adresseemail",
                     "postaelettronica"], _EMAIL),
    **dict.fromkeys(["phonenumber", "mobilenumber", "mobilephone", "cellphone", "telephonenumber",
                     "numerodetelephone", "numerodetelefono", "numeroditelefono", "mobileno", "phoneno",
                     "telno"], _PHONE),
    **dict.fromkeys(["postalcode", "codepostal", "codigopostal", "zipcode"], _ZIP),
    **dict.fromkeys(["socialsecurity", "securitesociale", "seguridadsocial", "nationalid", "nationalinsurance",
                     "insurancenumber", "nhsnumber", "nhsno", "nhsnum", "nhsnr", "nhsid", "chinumber",
                     "codicefiscale", "tarjetasanitaria", "tesserasanitaria", "healthcard", "medicarenumber",
                     "driverslicense", "driverlicense", "numerosecu"], _NATIONAL),
    **dict.fromkeys(["ipaddress"], _IP),
    **dict.fromkeys(["medicalrecord", "hospitalnumber", "hospitalno", "recordnumber", "historiaclinica",
                     "numerohistoria", "numerodossier", "cartellaclinica", "casenumber", "accountnumber",
                     "encounternumber", "patientennummer", "ziekenhuisnummer"], _MRN),
}
# Words that give an identifier word another meaning, by kind.
_MODIFIERS = {
    _EMAIL: {"consent", "consented", "sent", "reminder", "reminders", "opt", "optin", "optout", "verified",
             "status", "flag", "yn", "ok", "allowed", "permission", "preference", "newsletter", "survey",
             "invite", "invitation", "bounced", "contacted", "followup", "follow", "einwilligung",
             "consentimiento", "consenso", "toestemming", "consentement", "verstuurd", "gesendet", "verschickt",
             "envoye", "enviado", "inviato", "reminder", "erinnerung", "rappel", "recordatorio", "promemoria"},
    _PHONE: {"followup", "follow", "call", "calls", "called", "interview", "consultation", "consult", "visit",
             "visits", "review", "assessment", "survey", "reminder", "reminders", "consent", "triage",
             "appointment", "appointments", "session", "sessions", "clinic", "yn",
             "anruf", "suivi", "seguimiento", "controllo", "count", "score", "app", "use", "usage", "support",
             "coaching", "therapy"},
    _ADDRESS: {"drug", "drugs", "use", "user", "type", "change", "changed", "verified", "status", "crossing",
               "region", "deprivation", "imd", "rural", "urban", "distance"},
    _ZIP: {"3", "three", "3digit", "prefix", "district", "area", "region", "outward", "sector", "first3",
           "deprivation", "imd", "distance", "rural", "urban", "country", "state"},
    _PERSON: {"drug", "treatment", "medication", "site", "measure", "scale", "file", "study", "centre", "center",
              "hospital", "clinic", "procedure", "device", "test", "item", "form", "event", "score", "code"},
}
# "nhs", "mobile", "chi" alone are identifiers (above); inside a name only with a number word.
_NUMBER_WORDS = {"number", "no", "num", "nr", "nbr", "id", "nummer", "numero", "n"}
_WITH_NUMBER_WORD = {"nhs": _NATIONAL, "mobile": _PHONE, "mobil": _PHONE, "chi": _NATIONAL, "hospital": _MRN,
                     "patient": None, "insurance": _NATIONAL, "social": _NATIONAL,
                     "medicare": _NATIONAL, "passport": _NATIONAL, "case": _MRN, "historia": _MRN,
                     "dossier": _MRN, "versicherten": _NATIONAL, "cell": _PHONE, "gsm": _PHONE, "handy": _PHONE}
# Generic "name" words: an identifier alone or with a person word (``patient_name``, ``nombre_paciente``),
# not with another noun (``drug_name``, ``site_name``).
_NAME_WORDS = {"name", "names", "nombre", "nom", "nome", "naam", "namen"}
_PERSON_WORDS = {"patient", "patients", "patienten", "paciente", "paziente", "patient", "pt", "full", "first",
                 "last", "given", "family", "maiden", "middle", "mother", "mothers", "father", "fathers", "kin",
                 "nok", "relative", "spouse", "partner", "carer", "caregiver", "contact", "emergency", "person",
                 "persona", "persoon", "client", "subject", "participant", "famille", "complet", "completo",
                 "voller", "volledige", "vor", "nach", "familie", "pila", "child", "parent", "guardian"}
# Birth words: a date of birth together with a date word (``fecha_nacimiento``), not alone
# (``birth_weight``, ``place_of_birth``, ``birth_year``: a year is not a full date).
_BIRTH_WORDS = {"birth", "born", "nacimiento", "nac", "naissance", "naiss", "nascita", "nasc", "geboorte",
                "geburt", "geburts", "geb", "geboren"}
_DATE_WORDS = {"date", "dt", "day", "datum", "fecha", "data", "f", "dat", "fec", "d", "jour", "dia", "giorno",
               "datetime", "dttm", "dtm", "timestamp"}  # OMOP's birth_datetime, Cerner's BIRTH_DT_TM


@functools.lru_cache(maxsize=4096)
def name_reason(name: str) -> str | None:
    """Why a column *name* marks an identifier, or None.

    The name is folded (lower case, accents removed, camelCase split) into words; see the module
    docstring for the rules and :data:`_MODIFIERS` for the words that give it another meaning.
    """
    toks = _tokens(name)
    if not toks:
        return None
    compact = "".join(toks)
    words = set(toks)

    def why(kind: str) -> str:
        return f"its name says it holds {'an' if kind[0].lower() in 'aeiou' else 'a'} {kind}"

    # Date of birth first: it stays refused even when the column is mapped as a date.
    if compact in ("dob", "bday") or "dob" in words or (words & _BIRTH_WORDS and words & _DATE_WORDS):
        return why(_DOB)
    if any(w.startswith(("geburtsdat", "geboortedat", "birthdat", "dateofbirth", "fechanac", "datanasc",
                         "datenaiss")) for w in toks + [compact]):
        return why(_DOB)
    if compact in _EXACT_NAMES:
        return why(_EXACT_NAMES[compact])
    found = None
    for t in toks:
        if t in _TOKENS:
            found = _TOKENS[t]
            break
    if found is None:
        for i in range(len(toks)):
            for j in range(i + 2, min(len(toks), i + 4) + 1):
                phrase = "".join(toks[i:j])
                if phrase in _PHRASES:
                    found = _PHRASES[phrase]
                    break
            if found:
                break
    if found is None:
        for t, kind in _WITH_NUMBER_WORD.items():
            if t in words and words & _NUMBER_WORDS and kind is not None:
                found = kind
                break
    if found is None and words & _NAME_WORDS and words & _PERSON_WORDS:
        found = _PERSON
    if found is None:
        return None
    if words & _MODIFIERS.get(found, set()) and found != _DOB:
        return None
    return why(found)


def rename_hint(reasons) -> str:
    """Advice added to a refusal when a column is refused by its name as a medical record number: exports
    name a study's own pseudonymous codes that way too ('MRN Deid', 'Hospital number (study)'). Renaming the
    column lets it be read; its content is still checked (record-number patterns). Not offered for other
    kinds (a national number, a name, a date of birth are never pseudonyms under another name)."""
    mrn = f"its name says it holds a {_MRN}"
    if not any(str(r) == mrn for r in reasons):
        return ""
    return (" If a column named like a record number holds pseudonymous study codes rather than the real numbers, "
            "rename it (e.g. to 'study_id'): its content is still checked.")
