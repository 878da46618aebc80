"""What the content check of the identifier guard looks for: word lists (given names, surnames,
titles, months) and the regular expressions, compiled once; see :mod:`analysis.io.identifiers`."""
from __future__ import annotations

import re

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
# Seconds after a dot too: Oracle's default timestamp (04-MAR-24 09.00.00.000000 AM).
_TIME = (rf"(?:(?:T|,{_S}*|{_S}+)\d{{1,2}}[:.h]\d{{2}}(?:[:.]\d{{2}}(?:\.\d+)?)?(?:{_S}?[AaPp]\.?[Mm]\.?)?"
         rf"(?:Z|[+-]\d{{2}}:?\d{{2}})?|(?:T|{_S}+)(?:[01]\d|2[0-3])[0-5]\d)?")  # or 0930, as some EHRs write it
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
    "date_words": (rf"(?i)(?:(?:{_L}+,?{_S}+)?\d{{1,2}}(?:\.|st|nd|rd|th|er|º|°)?(?:{_S}|[/-])*(?:de{_S}+)?"
                   rf"(?:{_MONTHS})\.?(?:{_S}+de)?(?:{_S}|[/,-])*(?:\d{{4}}|'?\d{{2}})" + _TIME +
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



def _compile(key: str) -> re.Pattern:
    pattern, flags = _RX[key], 0
    if pattern.startswith("(?i)"):
        pattern, flags = pattern[4:], re.IGNORECASE
    if key in _SEARCH:
        return re.compile(pattern, flags)
    # Whole values: from the line break before the value to the one after it.
    return re.compile(rf"\n(?:{pattern})(?=\n)", flags)


_COMPILED = {key: _compile(key) for key in _RX}
