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
(check digits, name lists, free text). Public: :func:`name_reason`, :func:`content_reason`,
:func:`content_kind`, :func:`find_identifier_columns` (what the loader and the readers of
``analysis/io`` call), :func:`numbers_never_flagged`.

References: HIPAA Privacy Rule, de-identification by Safe Harbor, 45 CFR 164.514(b)(2) (the 18
identifiers: names, geographic subdivisions smaller than a state except the first three ZIP digits,
all elements of dates except the year, phone numbers, e-mail addresses, social security, medical
record and other account numbers, ...); NHS number check digit: NHS Data Dictionary, "NHS Number";
BSN "elfproef": Dutch Wet algemene bepalingen burgerservicenummer; DNI letter: Spanish Real
Decreto 1553/2005.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Share of a column's distinct non-empty values that must be of one kind for the column to be flagged.
CONTENT_SHARE = 0.5
#: Digits-only values with fewer significant digits than this are never flagged (scores, pseudonymous ids).
MIN_SIGNIFICANT_DIGITS = 7
#: Numbers below this magnitude have fewer than MIN_SIGNIFICANT_DIGITS digits before the point: a
#: column of such numbers is never flagged by content (the loader skips reading its text back).
NEVER_FLAGGED_BELOW = 10 ** (MIN_SIGNIFICANT_DIGITS - 1)

# --------------------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------------------

_PERSON = "person name"
_DOB = "date of birth"
_EMAIL = "e-mail address"
_PHONE = "phone number"
_ADDRESS = "street address"
_NATIONAL = "national ID number"
_ZIP = "ZIP/postcode"
_MRN = "medical record number"


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
                     "medicaid", "healthcardnumber", "driverslicense", "driverlicense", "ipaddress", "ip"], _NATIONAL),
    **dict.fromkeys(["zip", "zipcode", "postcode", "postalcode", "plz", "postleitzahl", "codepostal", "codigopostal",
                     "cap", "postcodecode"], _ZIP),
    **dict.fromkeys(["mrn", "medicalrecordnumber", "hospitalnumber", "hospitalno", "recordnumber", "nhc", "ipp",
                     "fallnummer", "fallnr", "aufnahmenummer", "patientennummer", "numerohistoria",
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
                     "driverslicense", "driverlicense", "numerosecu", "ipaddress"], _NATIONAL),
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
_DATE_WORDS = {"date", "dt", "day", "datum", "fecha", "data", "f", "dat", "fec", "d", "jour", "dia", "giorno"}


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
        return f"its name says it holds {'an' if kind[0] in 'aeiou' else 'a'} {kind}"

    # Date of birth first: it stays refused even when the column is mapped as a date.
    if compact in ("dob", "bday") or "dob" in words or (words & _BIRTH_WORDS and words & _DATE_WORDS):
        return why(_DOB)
    if any(w.startswith(("geburtsdat", "geboortedat", "birthdat", "dateofbirth", "fechanac", "datanasc",
                         "datenaiss")) for w in toks):
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


# --------------------------------------------------------------------------------------------------
# Values: the word lists
# --------------------------------------------------------------------------------------------------

# Common given names, lower case without accents, in the languages of the clinics using the product.
# Words that are also ordinary words in one of them (may, june, will, grace, rosa, dolores, pilar,
# victoria, ...) are left out on purpose.
FIRST_NAMES = frozenset("""
aaron abdul adam adrian ahmed aidan aisha alan albert alejandro alessandra alessandro alex alexander alexandra
alfred ali alice alicia alison amanda amelia amit amy ana andrea andreas andrew andy angela anil anja anke anna
annamaria anne annette annie anthony antoine antonio arthur ashley astrid ayse barbara beatriz ben benjamin bernard
bernd beth betty birgit bob brandon brenda brian bruce bruno carl carla carlos carmen carol caroline carolyn
catherine cecile charles charlie charlotte chiara chloe chris christina christine christoph christophe
christopher claire clara claudia claudio colin cornelia cornelis craig daan daniel daniela daniele david deborah
deepak dennis diana diane dieter dirk dolf domenico donald donna dorothy douglas edward elena elisa elisabeth
elizabeth ella ellen emily emine emma enrique eric erik esther eva evelyn fabian fatima fatma federica federico
femke fernando francesca francesco francisco francois francoise frank fred frederic gabriele gary george gerald
gerard gerhard gerrit giorgio giovanni giulia giuseppe gloria gordon greg gregory guillaume gunter gunther hannah
hans harald harold harry hassan heather heike heinz helen helga hendrik henk henry hussein ian ibrahim ines ingrid
isabel isabella isabelle jack jacob jacques james jan jane janet janice jason javier jean jeanne jeffrey jennifer
jeremy jessica jim joan joao joe johann johanna johannes john jonathan jorg jorge jose josef joseph joshua juan
judith jurgen julia julie julien justin karen karin karl katarzyna katharina katherine kathleen kathryn katie
keith kelly kenneth kerstin kevin khaled kim klaus krzysztof kyle lars larry laura lauren laurent lawrence lieke
linda lisa lorenzo louise luca lucas lucia lucy luigi luis luisa luka luke lynn maarten magdalena malgorzata
manfred manuel manuela marc marcel marco margaret margarethe margherita maria marie marilyn mario marion marisol
marjolein markus marta martha martin martina mary massimo mateo matteo matthew matthias maurizio mehmet megan
melissa michael michel michela michele michelle miguel mohamed mohammed monica monika muhammad mustafa nadia
nancy natalie nathalie nathan nicholas nicola nicolas nicole noah olga olivia oliver oscar pablo pamela paola
pascal patricia patrick paul paula pawel pedro peter petra philip philippe pierre piet pieter piotr pooja priya
rachel rafael rahul rainer ralph raymond rebecca richard roberta roberto robert roger ronald ruth ryan sabine
samantha samuel sandra sanjay sanne sara sarah scott sean sebastian sebastien sergio sharon shirley silvia simone
sofia sophia sophie stefan stefania stefano stephanie stephen steven sunita susan susanne sylvie teresa thomas
thorsten timothy tomasz tom tyler ulrich ulrike ursula uwe valentina valerie vincent vincenzo virginia walter
wayne werner willem william wolfgang youssef yusuf yves zoe
""".split())

# Common family names, same folding and the same care: no colours, trades, adjectives or place words
# that are also covariate values in one of the languages (White, Baker, Turner, Koch, Bauer, Moreno,
# Rubio, Costa, Russo, Bakker, Petit, ...).
SURNAMES = frozenset("""
smith jones williams taylor davies evans wilson thomas johnson roberts robinson thompson wright walker edwards
hughes lewis harris clarke clark patel jackson martin morris moore lee harrison morgan allen james scott
phillips watson davis bennett mitchell kelly richardson bailey collins murphy miller cox richards khan
anderson simpson ellis adams singh begum wilkinson foster chapman powell webb rogers matthews owen holmes
barnes lloyd russell stevens jenkins murray dixon harvey garcia rodriguez martinez hernandez lopez gonzalez
perez sanchez ramirez torres flores rivera gomez diaz nguyen kowalski nowak wisniewski muller mueller schmidt
meyer becker schulz hoffmann schafer schaefer schroder schroeder neumann zimmermann kruger krueger hofmann
hartmann schmitt werner schmitz meier lehmann bernard dubois robert richard durand leroy moreau simon laurent
lefebvre michel bertrand vincent fournier morel girard andre mercier dupont lambert francois fernandez jimenez
ruiz munoz alvarez romero alonso gutierrez navarro dominguez vazquez serrano molina suarez ortega castro ortiz
marin sanz rossi ferrari esposito bianchi colombo ricci conti mancini giordano rizzo lombardi moretti barbieri
santoro mariani rinaldi caruso ferrara galli martini gentile martinelli vitale lombardo coppola marchetti
parisi ferraro ferri fabbri marini grasso valentini messina pellegrini palumbo sanna farina rizzi cattaneo
morelli amato silvestri grassi carbone giuliani benedetti barone rossetti caputo montanari palmieri bernardi
martino ferretti bellini basile donati piras battaglia sartori costantini milani ruggiero sorrentino jansen
janssen smit meijer mulder peters hendriks brouwer dijkstra smits jacobs vermeulen schouten willems hoekstra
verhoeven koster huisman peeters devries vandenberg vandijk deboer degroot dejong wang zhang liu chen yang
huang zhao zhou sun zhu guo luo kumar sharma gupta shah hussain ahmed mohamed yilmaz kaya demir sahin celik
yildiz ozturk kim park choi jung tanaka suzuki takahashi watanabe yamamoto nakamura kobayashi oliveira pereira
ferreira almeida carvalho
""".split())

# Words that make a value a place or an institution, not a person: "St Mary's Hospital",
# "Royal Victoria Infirmary", "San Jose", "St. Louis", "Queen Elizabeth Hospital".
_NOT_PERSON_WORDS = frozenset("""
hospital hospitals infirmary clinic clinics clinica klinik kliniken klinikum krankenhaus spital hopital hopitaux
ospedale ospedaliera ospedaliero ziekenhuis centre center centro centrum zentrum university universitat
universitaet universitatsklinikum universidad universita universiteit universite medical medicine medicina
medizin trust health healthcare sante salud sanita gezondheid foundation institute institut instituto istituto
general memorial children childrens royal queen queens king kings prince princess county city district regional
region community practice surgery praxis cabinet policlinic poliklinik polyclinic polyclinique chu chru chr
hospitalario hospitalaria azienda asl ausl ulss nhs college school campus saint sainte st ste san santa santo
sao sankt mount mt fort port lake new north south east west upper lower los las el del la le les bad
street road avenue lane drive square park parkway valley heights springs beach island river bay
pain therapy ketamine lidocaine infusion block physio physiotherapy rehabilitation rehab group unit ward
department dept service services team site
""".split())
# Name particles that may stand lower-case between the parts of a name.
_PARTICLES = frozenset("van von der den de di da dos das du des del della le la ter ten bin ibn al el mac mc y e".split())
# Titles before a family name (in free text: "Mrs Jones called").
_TITLES = frozenset("mr mrs ms miss mx herr frau fr hr mme mlle madame monsieur sr sra srta senor senora "
                    "sig signor signora dhr mevr mevrouw meneer".split())
# Common Chinese, Korean and Japanese family names: a value of 2-4 Han/Hangul characters starting with one
# is a name ("王伟", "김민준", "佐藤健").
_HAN_SURNAMES = ("王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾"
                 "肖田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹"
                 "鄒孟熊秦邱江尹薛闫段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯")
_JA_SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田", "山田",
                "佐々木", "山口", "松本", "井上", "木村", "斎藤", "清水")
_KO_SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부"

_MONTHS = ("jan|janu?ary?|januar|janvier|janv|enero|ene|gennaio|gen|januari|feb|february|februar|fevrier|fev|febr?|"
           "febrero|febbraio|februari|mar|march|marz|maerz|mars|marzo|maart|mrt|apr|april|avril|avr|abril|abr|"
           "aprile|may|mai|mayo|maggio|mag|mei|jun|june|juni|juin|junio|giugno|giu|jul|july|juli|juillet|juil|"
           "julio|luglio|lug|aug|august|aout|agosto|ago|augustus|sep|sept|september|septembre|septiembre|"
           "settembre|set|oct|october|oktober|octobre|octubre|ottobre|ott|okt|nov|november|novembre|noviembre|"
           "dec|december|dezember|dez|decembre|diciembre|dicembre|dic|märz|février|févr|fév|août|décembre|déc")

# --------------------------------------------------------------------------------------------------
# Values: the patterns (Python re, run over all values at once: see _Lines). None of them matches a
# line break ([^\S\n] stands for white space).
# --------------------------------------------------------------------------------------------------

_L = r"[^\W\d_]"                                   # a letter
_S = r"[^\S\n]"                                    # white space within a value
_TIME = (rf"(?:(?:T|,{_S}*|{_S}+)\d{{1,2}}[:.h]\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:{_S}?[AaPp]\.?[Mm]\.?)?"
         r"(?:Z|[+-]\d{2}:?\d{2})?)?")
_AT = r"[\(\[\{<]" + _S + r"*(?:at|arroba|chiocciola|apenstaartje|klammeraffe)" + _S + r"*[\)\]\}>]"
_DOT = r"(?:\.|[\(\[\{<]" + _S + r"*(?:dot|punto|point|punkt)" + _S + r"*[\)\]\}>])"
# Whole values (fullmatch); search=True: anywhere in a value.
_RX = {
    "numeric": r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?",
    "long_int": r"(?:\+|00)?\d{7,}",
    # Short codes and numbers: nothing but a record number can hide in them.
    "plain": (r"[A-Za-z]{0,4}[-_ ]?\d{1,6}|[+-]?(?:\d{1,6}(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?|[A-Za-z_]{1,3}"
              r"|(?=[^\n]*[a-fA-F])[0-9a-fA-F-]{16,}"),  # and hashes, UUIDs
    "email": r"(?<![\w.%+'-])[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}",
    "email_obfuscated": (rf"(?i)(?<![\w.%+'-])[\w.%+'-]+{_S}*{_AT}{_S}*[\w-]+(?:{_S}*{_DOT}{_S}*[\w-]+)*{_S}*{_DOT}{_S}*{_L}{{2,}}"
                         rf"|(?<![\w.%+'-])[\w.%+'-]+{_S}+at{_S}+[\w-]+(?:{_S}+dot{_S}+[\w-]+)*{_S}+dot{_S}+"
                         r"(?:com|org|net|edu|gov|[a-z]{2})\b"),
    # Full calendar dates: year-first, day/month-first (4- or 2-digit year: day and month are checked
    # in Python), written out in six languages; with or without a time.
    "date_ymd": r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}" + _TIME,
    "date_dmy": r"\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})" + _TIME,
    "date_words": (rf"(?i)(?:(?:{_L}+,?{_S}+)?\d{{1,2}}(?:\.|st|nd|rd|th|er|º|°)?[{_S[1:-1]}/-]*(?:de{_S}+)?"
                   rf"(?:{_MONTHS})\.?(?:{_S}+de)?[{_S[1:-1]}/,-]*(?:\d{{4}}|'?\d{{2}})" + _TIME +
                   rf"|(?:{_L}+,?{_S}+)?(?:{_MONTHS})\.?{_S}+\d{{1,2}}(?:st|nd|rd|th)?,?{_S}+(?:\d{{4}}|'?\d{{2}})"
                   + _TIME + ")"),
    "iso_start": r"\d{4}-\d{1,2}-\d{1,2}.*",
    "national": (rf"(?i)(?:\d{{3}}-\d{{2}}-\d{{4}}"                                      # US SSN
                 rf"|[A-CEGHJ-PR-TW-Z]{{2}}{_S}?\d{{2}}{_S}?\d{{2}}{_S}?\d{{2}}{_S}?[A-D]"   # UK NI number
                 r"|\d{3} \d{3} \d{4}"                                                # NHS number as written
                 r"|\d{6}[-+A]\d{3}[0-9A-Z]"                                           # Nordic
                 r"|[A-Z]{6}[0-9LMNP-V]{2}[A-EHLMPR-T][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]"  # codice fiscale
                 r"|\d{8}[ -]?[A-HJ-NP-TV-Z]|[XYZ][ -]?\d{7}[ -]?[A-HJ-NP-TV-Z]"        # DNI / NIE
                 rf"|\d{{2}}{_S}?[0-3]\d[01]\d\d{{2}}{_S}?[A-Z]{_S}?\d{{3}}"            # German social insurance
                 rf"|[12]{_S}?\d{{2}}{_S}?(?:0[1-9]|1[0-2]|[2-9]\d){_S}?(?:\d{{2}}|2[AB]){_S}?\d{{3}}{_S}?\d{{3}}"
                 rf"(?:{_S}?\d{{2}})?"                                                 # French NIR
                 r"|\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}"                                  # Belgian national number
                 r"|756\.\d{4}\.\d{4}\.\d{2})"),                                      # Swiss AHV
    "record": (rf"(?i)(?=[mMuUhHnNiIfFeEkKcCaA])(?:mrn|mr|med\.?{_S}?rec|urn?|hn|hosp|hospno|nhc|ipp|fall|fallnr|emr|ehr|kis|chi|nhs|csn|"
               rf"fin|acct|enc|hc){_S}*(?:no\.?|nr\.?|#|num\.?)?{_S}*[-_#:./ ]?{_S}*\d{{4,}}"),
    "postcode": (rf"(?i)(?:[A-Z]{{1,2}}\d[A-Z\d]?{_S}?\d[A-Z]{{2}}"  # UK
                 r"|\d{5}-\d{4}"                                  # US ZIP+4
                 rf"|[A-Z]\d[A-Z]{_S}?\d[A-Z]\d"                   # Canada
                 rf"|[1-9]\d{{3}}{_S}?[A-Z]{{2}})"),               # Netherlands (units are excluded below)
    "phone": r"(?:\+|00)?\(?\d[\d ().\-/]{6,}\d",
    # (a digit and white space, or a street word and a number: decided with single-character searches)
    "digit": r"\d",
    "space": _S,
    "street_number": rf"(?i:strasse|straße|str\.|weg|gasse|platz|allee|laan|straat|gatan|vej){_S}*\d",
    "letters": r"(?=[^\n]*[^\W\d_])(?:[^\W\d_]|['’.,\- \t\u0300-\u036f])+",
    "cjk": r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,4}|[\uac00-\ud7a3]{2,4}",
    "free_text": rf"(?<!\S)\S+{_S}+\S+{_S}+\S",
}
_SEARCH = {"email", "email_obfuscated", "digit", "space", "street_number", "free_text"}
# Every search pattern starts where a run of its first characters starts (the look-behinds), so a
# long value costs linear time, not quadratic (a hostile file may hold one).

_ADDRESS_STREET_WORDS = (r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
                         r"close|crescent|terrace|square|sq|highway|hwy|parkway|pkwy")
_ADDRESS_PY = re.compile(
    rf"(?<!\d)\d+[A-Za-z]?,? +(?:[^\W\d_][\w'.-]* +){{0,4}}(?:{_ADDRESS_STREET_WORDS})\b\.?"
    r"|(?<![^\W\d_])[^\W\d_]+(?:strasse|straße|str\.|weg|gasse|platz|allee|laan|straat|gatan|vej)\s*\d+"
    r"|(?:rue|avenue|via|calle|chemin|boulevard|carrer|rua|avenida|viale|piazza|plaza|paseo)\s+\D*\d"
    r"|(?<!\d)\d+,?\s+(?:rue|avenue|via|calle|avenida|viale|piazza)\b", re.IGNORECASE)
# Phone numbers inside free text (Python, on the values that hold 9 digits or more).
_PHONE_IN_TEXT = re.compile(
    r"(?<![\d.,/-])(?:(?:\+|00)\s?[1-9]\d{0,2}[\s./-]?(?:\(0\)\s?)?\(?\d{1,4}\)?(?:[\s./-]?\d{2,4}){2,4}"
    r"|\(?0\d{1,4}\)?[\s/.-]?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}"
    r"|\(?[2-9]\d{2}\)?[\s.-]?[2-9]\d{2}[\s.-]\d{4}"
    r"|[2-9]\d{2}[2-9]\d{6}"
    r"|[6-9]\d{2}\s\d{3}\s\d{3})(?![\d.,/-]*\d)")
_DOB_IN_TEXT = re.compile(
    rf"(?i)\b(?:dob|d\.o\.b\.?|born(?:\s+on)?|date\s+of\s+birth|geb\.?|geboren(?:\s+am)?|n[ée]e?\s+le|"
    rf"nacid[oa](?:\s+el)?|nat[oa](?:\s+il)?|geboren\s+op)\s*[:=]?\s*"
    rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}\.?\s+(?:{_MONTHS})\.?\s+\d{{2,4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}})")
_UNITS = frozenset("mg ml kg mm cm km iu ui ie ug dl gr hr hz kj mo wk yr pm am mu gy mv ms".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


# --------------------------------------------------------------------------------------------------
# Values: the rules
# --------------------------------------------------------------------------------------------------

def _compile(key: str) -> re.Pattern:
    pattern, flags = _RX[key], 0
    if pattern.startswith("(?i)"):
        pattern, flags = pattern[4:], re.IGNORECASE
    if key in _SEARCH:
        return re.compile(pattern, flags)
    # Whole values: from the line break before the value to the one after it.
    return re.compile(rf"\n(?:{pattern})(?=\n)", flags)


_COMPILED = {key: _compile(key) for key in _RX}


class _Lines:
    """A column's distinct values as the lines of one text, so that each pattern scans them all in
    one call (in C) instead of being called value by value: ``full(key)`` marks the values the
    pattern matches as a whole, ``search(key)`` those it finds anywhere in. A line break inside a
    value counts as a space."""

    def __init__(self, values: list[str]):
        joined = "\n" + "\n".join(values) + "\n"
        if joined.count("\n") != len(values) + 1:
            values = [v.replace("\n", " ") for v in values]
            joined = "\n" + "\n".join(values) + "\n"
        self.values, self.text, self.n = values, joined, len(values)
        self._breaks = None

    @property
    def breaks(self) -> np.ndarray:
        """Where the line break before each value is (computed when first needed)."""
        if self._breaks is None:
            lengths = np.fromiter(map(len, self.values), dtype=np.int64, count=self.n)
            self._breaks = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        return self._breaks

    def _hits(self, key: str, side: str) -> np.ndarray:
        hit = np.zeros(self.n, dtype=bool)
        at = [m.start() for m in _COMPILED[key].finditer(self.text)]
        if at:
            idx = np.searchsorted(self.breaks, at, side=side)
            hit[idx if side == "left" else idx - 1] = True
        return hit

    def count(self, key: str) -> int:
        """How many values the (whole-value) pattern matches."""
        return _COMPILED[key].subn("", self.text)[1]

    def full(self, key: str) -> np.ndarray:
        return self._hits(key, "left")

    def search(self, key: str) -> np.ndarray:
        return self._hits(key, "right")


def _significant(v: str) -> str:
    return v.lstrip("+").lstrip("0")


def _nhs_valid(d: str) -> bool:
    """NHS number check digit (modulus 11, weights 10..2)."""
    if len(d) != 10:
        return False
    s = sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1)))
    check = 11 - s % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(d[9])


def _bsn_valid(d: str) -> bool:
    """Dutch BSN "elfproef": sum of digits x (9..2) minus the last digit divisible by 11."""
    if len(d) != 9 or d[0] == "0" and d[1] == "0":
        return False
    s = sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1))) - int(d[8])
    return s % 11 == 0 and s != 0


def _yyyymmdd(d: str) -> bool:
    if len(d) != 8:
        return False
    y, m, day = int(d[:4]), int(d[4:6]), int(d[6:])
    return 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= day <= 31


def _long_number_kinds(v: str) -> set[str]:
    """What a digits-only value with 7 or more significant digits may be: a date (YYYYMMDD), a
    national number with a valid check digit (NHS, BSN), a phone number (international, national with
    a leading 0, or North American); empty if none."""
    d = v.lstrip("+")
    if v.startswith(("+", "00")) and 10 <= len(d.lstrip("0")) <= 15:
        return {"phone"}
    if _yyyymmdd(d):
        return {"date"}
    kinds = set()
    if _nhs_valid(d) or _bsn_valid(d):
        kinds.add("national")
    if re.fullmatch(r"0[1-9]\d{8,9}|[2-9]\d{2}[2-9]\d{6}", d):
        kinds.add("phone")
    return kinds


def _dmy_valid(v: str) -> bool:
    """Day and month of a day/month-first date (either order) are possible."""
    a, b = (int(x) for x in re.match(r"(\d{1,2})[-/.](\d{1,2})", v).groups())
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)


def _ymd_valid(v: str) -> bool:
    y, m, d = (int(x) for x in re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", v).groups())
    return 1000 <= y <= 2999 and 1 <= m <= 12 and 1 <= d <= 31


def _dni_valid(v: str) -> bool:
    s = re.sub(r"[\s-]", "", v.upper())
    s = s.replace("X", "0", 1) if s[0] == "X" else s.replace("Y", "1", 1) if s[0] == "Y" else (
        s.replace("Z", "2", 1) if s[0] == "Z" else s)
    if not re.fullmatch(r"\d{8}[A-Z]", s):
        return True  # another kind of national number matched by the pattern
    return "TRWAGMYFPDXBNJZSQVHLCKE"[int(s[:8]) % 23] == s[8]


def _national_valid(v: str) -> bool:
    """Check digits where the number has one (DNI/NIE letter); True for the other kinds."""
    if re.fullmatch(r"(?i)\d{8}[ -]?[A-Z]|[XYZ][ -]?\d{7}[ -]?[A-Z]", v):
        return _dni_valid(v)
    return True


def _postcode_valid(v: str) -> bool:
    """Dutch-style "1234 AB" is a postcode, "1800 mg" a dose."""
    m = re.fullmatch(r"(?i)\d{4}\s?([A-Z]{2})", v)
    return m is None or m.group(1).lower() not in _UNITS


def _phone_valid(v: str) -> bool:
    digits = sum(ch.isdigit() for ch in v)
    if not 9 <= digits <= 15:
        return False
    groups = re.findall(r"\d+", v)
    # Ranges and pairs ("20000-30000", "120/80") are not phone numbers: a phone number starts
    # with +, 00, 0 or a bracket, or has three groups or more.
    return v.startswith(("+", "0", "(")) or len(groups) >= 3


def _is_capitalised(w: str) -> bool:
    return w[:1].isupper()


def _name_kind(v: str) -> bool:
    """Whether a value made of letters is a person's name (see the module docstring)."""
    words = _WORD.findall(v)
    if not words or len(words) > 5:
        return False
    folded = [_fold(w) for w in words]
    if any(f in _NOT_PERSON_WORDS for f in folded):
        return False
    if "," in v:  # "Smith, J." / "Smith, John" / "García López, José"
        last, _, first = v.partition(",")
        first_words = _WORD.findall(first)
        last_words = [_fold(w) for w in _WORD.findall(last)]
        if not first_words or not last_words or len(first_words) > 3 or "," in first:
            return False
        initials = re.fullmatch(r"\s*(?:[^\W\d_]\.?\s*-?\s*){1,3}", first) is not None
        known = any(w in SURNAMES or w in FIRST_NAMES for w in last_words) or any(
            _fold(w) in FIRST_NAMES for w in first_words)
        return (initials and _is_capitalised(last.strip())) or known
    if len(words) == 1:  # capitalised, as names are written ("Moreno", "Smith"; not "greco", "christian")
        return _is_capitalised(words[0]) and (folded[0] in FIRST_NAMES or folded[0] in SURNAMES)
    main = [w for w, f in zip(words, folded) if f not in _PARTICLES]
    if not main:
        return False
    hits = sum(f in FIRST_NAMES or f in SURNAMES for f in folded)
    return hits >= 1 and (all(_is_capitalised(w) for w in main) or v == v.lower() or v == v.upper())


def _cjk_name(v: str) -> bool:
    return v[0] in _HAN_SURNAMES or v[0] in _KO_SURNAMES or v.startswith(_JA_SURNAMES)


def _names_in_text(v: str) -> bool:
    """A free-text value naming a person: a known given name followed by a capitalised word
    ("John Smith", "José García"), or a title followed by a capitalised word ("Mrs Jones")."""
    words = list(_WORD.finditer(v))
    for i in range(len(words) - 1):
        w, nxt = words[i].group(), words[i + 1].group()
        f, fn = _fold(w), _fold(nxt)
        gap = v[words[i].end():words[i + 1].start()]
        if gap.strip(" .") or not _is_capitalised(nxt) or fn in _NOT_PERSON_WORDS:
            continue
        before = _fold(words[i - 1].group()) if i else ""
        if before in _NOT_PERSON_WORDS:
            continue  # "St Mary Street", "Royal Victoria Infirmary"
        # A title as a title is written ("Mrs", "Frau"; not "MS" or "MR", which are diagnoses and scans).
        if (f in _TITLES and _is_capitalised(w) and not w.isupper()) or (_is_capitalised(w) and f in FIRST_NAMES):
            return True
    return False


def _share(k: int, n: int) -> bool:
    return k > 0 and k >= CONTENT_SHARE * n


def _distinct(values) -> list[str]:
    """The distinct non-empty values of a column as stripped text (numbers as written)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = pc.cast(values, pa.string())
        arr = pc.unique(pc.utf8_trim_whitespace(values.drop_null()))
        return [v for v in arr.to_pylist() if v]
    if isinstance(values, pd.Series):
        cells = np.asarray(values.to_numpy(dtype=object, na_value=None), dtype=object)
    else:
        cells = np.asarray(values, dtype=object)
    if not len(cells):
        return []
    distinct = list(dict.fromkeys(cells.tolist()))
    if set(map(type, distinct)) == {str}:  # the loader's case (loops in C)
        out = dict.fromkeys(map(str.strip, distinct))
    else:
        if not all(isinstance(v, str) or _missing(v) for v in distinct):
            distinct = cells.tolist()  # numbers (1 == 1.0 == True would merge): every cell, as written
        out = dict.fromkeys(v.strip() if isinstance(v, str) else str(v).strip()
                            for v in distinct if isinstance(v, str) or not _missing(v))
    out.pop("", None)
    return list(out)


def _missing(v) -> bool:
    """None, NaN, NaT or pd.NA (whose comparisons are not booleans)."""
    na = pd.isna(v)
    return isinstance(na, (bool, np.bool_)) and bool(na)


#: Content verdicts, by kind (the phrase after "column 'x': ").
REASONS = {
    "email": "it holds e-mail addresses",
    "dates": "it holds calendar dates",
    "national": "it holds national ID / social-security-like numbers",
    "record": "it holds medical record numbers",
    "postcode": "it holds exact ZIP/postcodes",
    "phone": "it holds phone numbers",
    "address": "it holds street addresses",
    "names": "it holds person names",
    "text_phone": "its free text holds a phone number",
    "text_name": "its free text holds a person's name",
    "text_dob": "its free text holds a date of birth",
}


def date_advice(header: str | None = None, mappable: bool = True) -> str:
    """The advice added to a "calendar dates" verdict (``mappable``: the file may hold visit or
    treatment dates, as assessments and treatments do; a patients file may not)."""
    if not mappable:
        return (": dates are identifiers; remove the column, or turn it into years or days relative to "
                "the first treatment before loading")
    example = f", e.g. --map '{header}=date'" if header else ""
    return (": if these are visit or treatment dates, map the column as a date (mapping role 'date'"
            f"{example}), so they become days relative to the first treatment and are not kept; "
            "dates of birth must be removed")


def content_kind(values, *, allow_dates: bool = False) -> str | None:
    """The kind of identifier a column's values hold (a key of :data:`REASONS`), or None.

    Parameters
    ----------
    values : Series, 1-d array, list or pyarrow array
        The column's cells, or its distinct values, as text (empty string or missing = empty cell).
        Only the set of distinct non-empty values matters.
    allow_dates : bool
        True for a column mapped as a visit or treatment date, whose calendar dates are expected.
    """
    return _kind_of_distinct(_distinct(values), allow_dates)


def content_reason(values, *, allow_dates: bool = False, header: str | None = None) -> str | None:
    """Why a column's *values* look like direct identifiers (a phrase), or None.

    :func:`content_kind` in words; a column of calendar dates gets the advice of :func:`date_advice`.
    """
    kind = content_kind(values, allow_dates=allow_dates)
    return _reason(kind, header)


def _reason(kind: str | None, header: str | None, mappable: bool = True) -> str | None:
    if kind is None:
        return None
    return REASONS[kind] + (date_advice(header, mappable) if kind == "dates" else "")


def _kind_of_distinct(distinct: list[str], allow_dates: bool) -> str | None:
    """:func:`content_kind` of a column's distinct non-empty stripped values."""
    n = len(distinct)
    if n == 0:
        return None
    lines = _Lines(distinct)
    text = lines.text
    # Any e-mail address, also obfuscated ("alice(at)example.org", "alice at example dot org").
    if "@" in text and lines.search("email").any():
        return "email"
    low = text.lower()
    if ("at" in low and (" at " in low or "at)" in low or "at]" in low or "at}" in low or "at>" in low)
            and lines.search("email_obfuscated").any()):
        return "email"
    # Short codes and numbers (the usual patient ids, scores, codes) can hide a record number only.
    if lines.count("plain") == n:
        return "record" if _share(int(lines.full("record").sum()), n) else None
    numeric = lines.full("numeric")
    # Digits-only values count only with 7 or more significant digits.
    kinds_long: dict[int, set[str]] = {}
    for i in np.flatnonzero(lines.full("long_int")):
        v = lines.values[i]
        if len(_significant(v)) >= MIN_SIGNIFICANT_DIGITS:
            k = _long_number_kinds(v)
            if k:
                kinds_long[i] = k
    is_text = ~numeric
    if not is_text.any() and not kinds_long:
        return None
    # Calendar dates.
    is_date = np.zeros(n, dtype=bool)
    if any(ch.isdigit() for ch in text):
        for key, valid in (("date_ymd", _ymd_valid), ("date_dmy", _dmy_valid), ("date_words", None)):
            hit = lines.full(key) & is_text & ~is_date
            if hit.any():
                idx = np.flatnonzero(hit)
                if valid is not None:
                    idx = idx[np.fromiter((valid(lines.values[i]) for i in idx), dtype=bool, count=len(idx))]
                is_date[idx] = True
    for i, k in kinds_long.items():
        if "date" in k:
            is_date[i] = True
    if not allow_dates and _share(int(is_date.sum()), n):
        return "dates"
    rest = is_text & ~is_date & ~lines.full("iso_start")
    # Structured identifiers: a share of the distinct values.
    counts = {"national": 0, "phone": 0}
    for i, k in kinds_long.items():
        for kind in k & counts.keys():
            counts[kind] += 1
    national = np.zeros(n, dtype=bool)
    if rest.any():
        national = lines.full("national") & rest
        counts["national"] += sum(_national_valid(lines.values[i]) for i in np.flatnonzero(national))
        ph = np.flatnonzero(lines.full("phone") & rest & ~national)
        counts["phone"] += sum(_phone_valid(lines.values[i]) for i in ph)
    # A number may be both (a 10-digit North American number with a valid NHS check digit): the more
    # frequent kind names the column; a tie goes to the check digit, the stronger sign.
    if _share(counts["national"], n) and counts["national"] >= counts["phone"]:
        return "national"
    if rest.any():
        if _share(int((lines.full("record") & rest).sum()), n):
            return "record"
        post = np.flatnonzero(lines.full("postcode") & rest)
        if _share(sum(_postcode_valid(lines.values[i]) for i in post), n):
            return "postcode"
    if _share(counts["phone"], n):
        return "phone"
    if _share(counts["national"], n):
        return "national"
    if _share(len(kinds_long) + int((lines.full("phone") & rest).sum()), n) and _share(
            counts["phone"] + counts["national"], n):  # long numbers, some of each kind
        return "phone" if counts["phone"] >= counts["national"] else "national"
    if not rest.any():
        return None
    addr = np.flatnonzero(((lines.search("digit") & lines.search("space")) | lines.search("street_number")) & rest)
    if len(addr) and _share(sum(bool(_ADDRESS_PY.search(lines.values[i])) for i in addr), n):
        return "address"
    letters = np.flatnonzero(lines.full("letters") & rest)
    if len(letters) * 2 >= n and _share(sum(_name_kind(lines.values[i]) for i in letters), n):
        return "names"
    cjk = np.flatnonzero(lines.full("cjk") & rest)
    if len(cjk) * 2 >= n and _share(sum(_cjk_name(lines.values[i]) for i in cjk), n):
        return "names"
    # Free text: any value holding a phone number, a date of birth or a person's name.
    free = np.flatnonzero(lines.search("free_text") & rest)
    for i in free:
        v = lines.values[i]
        if sum(ch.isdigit() for ch in v) >= 9 and any(
                9 <= sum(ch.isdigit() for ch in m.group()) <= 15 for m in _PHONE_IN_TEXT.finditer(v)):
            return "text_phone"
        if _DOB_IN_TEXT.search(v):
            return "text_dob"
    for i in free:
        if _names_in_text(lines.values[i]):
            return "text_name"
    return None


def numbers_never_flagged(col) -> bool:
    """True when a numeric (float or integer) Arrow column cannot be flagged by content: every value
    is below :data:`NEVER_FLAGGED_BELOW` in magnitude, so its text has fewer than 7 digits before
    the point (or is in exponent form, never flagged either). One min and one max over the values
    (numpy over Arrow's buffer: pyarrow's ``min_max`` is ten times slower on a column with nulls)."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    for ch in chunks:
        if len(ch) == ch.null_count:
            continue
        if not (pa.types.is_floating(ch.type) or pa.types.is_integer(ch.type)):
            return False
        dtype = np.dtype(ch.type.to_pandas_dtype())
        vals = np.frombuffer(ch.buffers()[1], dtype=dtype, count=len(ch), offset=ch.offset * dtype.itemsize)
        lo, hi = vals.min(), vals.max()
        if dtype.kind == "f" and (np.isnan(lo) or np.isnan(hi)):
            if np.isnan(vals).all():
                continue
            lo, hi = np.nanmin(vals), np.nanmax(vals)
        if not (-NEVER_FLAGGED_BELOW < lo and hi < NEVER_FLAGGED_BELOW) and ch.null_count:
            # The slots of empty cells hold no value: look at the others only.
            valid = ch.is_valid().to_numpy(zero_copy_only=False)
            kept = vals[valid]
            lo, hi = (np.nanmin(kept), np.nanmax(kept)) if dtype.kind == "f" else (kept.min(), kept.max())
        if not (-NEVER_FLAGGED_BELOW < lo and hi < NEVER_FLAGGED_BELOW):
            return False
    return True


_IS_STR = str.__instancecheck__  # isinstance(v, str), mapped in C


def _given_distinct(values) -> list[str]:
    """A column's distinct stripped texts as given (list, array or pyarrow array), without the empty one."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.to_pylist()
    elif isinstance(values, np.ndarray):
        values = values.tolist()
    else:
        values = list(values)
    if values and (values[0] == "" or "" in values or None in values):
        values = [v for v in values if v]
    return values


def _cache_key(values: list[str], allow_dates: bool, ordered: bool = False):
    """The key of a column's answer in the cache: its set of values. ``ordered``: the values are
    distinct and come in a canonical order (the loader's sorted codes), so the order itself can be
    hashed without sorting; another order only misses the cache."""
    if len(values) < 2000:
        return allow_dates, frozenset(values)
    joined = "\0".join(values if ordered else sorted(values))
    return allow_dates, len(values), hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=20).digest()


def find_identifier_columns(df, headers: dict[str, str], *, skip_name_check: set[str],
                            date_columns: set[str], cache: dict | None = None,
                            distinct: bool = False, dates_mappable: bool = True) -> list[tuple[str, str]]:
    """Columns of ``df`` that look like direct identifiers.

    Parameters
    ----------
    df : DataFrame, or a mapping of column name -> values
        The file's cells as text, columns named after mapping: every cell, or each column's distinct
        values (a 1-d array, list or pyarrow array of str); the verdict depends only on the set of
        distinct non-empty values.
    headers : dict
        Column name in ``df`` -> the header as written in the file.
    skip_name_check : set of str
        Columns whose (mapped) name is canonical (``patient_id``, ``day``, ``date``, ...): the
        canonical name is trusted, but the header as written is still checked (``dob`` mapped as
        ``date``, ``MRN`` mapped as ``patient_id`` are refused); their content is checked.
    date_columns : set of str
        Columns mapped as visit or treatment dates, whose calendar dates are expected.
    cache : dict, optional
        Content answers by set of distinct values, shared by the files of one load: the patient ids
        of the three files usually give the same set, checked once.
    distinct : bool
        True when each column's values are already its distinct texts, stripped (empty strings
        and missing values are skipped): saves finding them again.
    dates_mappable : bool
        Whether a column of calendar dates in this table could be mapped as a visit or treatment
        date (assessments, treatments): then the message suggests it; otherwise (patients) it says
        to remove or convert the dates.

    Returns
    -------
    list of (column, why)
        ``column`` is the name in ``df``; ``why`` a short phrase ("its name says it holds a phone number").
    """
    found = []
    for col in df:
        header = headers.get(col, col)
        if col in skip_name_check:
            why = name_reason(header) if header != col else None
        else:
            why = name_reason(header) or name_reason(col)
        if why is None:
            values = _given_distinct(df[col]) if distinct else _distinct(df[col])
            if not all(map(_IS_STR, values)):
                values = [str(v) for v in values]
            allow = col in date_columns
            key = _cache_key(values, allow, ordered=distinct)
            if cache is not None and key in cache:
                kind = cache[key]
            else:
                kind = _kind_of_distinct(values, allow)
                if cache is not None:
                    cache[key] = kind
            why = _reason(kind, header, dates_mappable)
        if why is not None:
            found.append((col, why))
    return found
