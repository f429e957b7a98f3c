"""The words ``profile suggest`` reads headers and cells with, in the languages of the lists it
has met: English, Finnish, German, Polish, French, Italian, Spanish, Swedish, Croatian, Hungarian.

Header words are regular expressions over the lower-cased header, each with a weight; a
negative weight speaks against the field.
"""

from __future__ import annotations

FIELD_WORDS: dict[str, list[tuple[str, int]]] = {
    "id": [(r"\b(id|code|koodi|kennung|kennziffer|numer|nr|no|n°|identifiant|codice|código|"
            r"hankekoodi|hankenumero|numéro|numero|reference|referenz|cup|ärende-id|"
            r"diarienummer|šifra projekta|azonosító)\b|^id_participation$", 3)],
    "title": [(r"hankkeen nimi|operation name|project name|name of (the )?operation|title|"
               r"tytuł|bezeichnung des vorhabens|projekttitel|projektname|intitulé|titre|"
               r"nom (du |de l.)?(projet|opération)|titolo|denominazione|título|"
               r"nombre (del|de la) (proyecto|operación)|projektnamn|naziv projekta|"
               r"projekt megnevezése|acronym", 4),
              (r"\b(name|nimi|nazwa|nom|nome|nombre|bezeichnung|vorhaben|projekt|project|"
               r"namn|naziv|megnevezés)\b", 1)],
    "summary": [(r"summary|zusammenfassung|description|beschreibung|kuvaus|tiivistelmä|opis|"
                 r"streszczenie|résumé|descrizione|sintesi|resumen|descripción|objective|"
                 r"objectif|obiettivo|objetivo|cel projektu|tavoite|beskrivning|leírás|"
                 r"összefoglaló", 4)],
    "beneficiary": [(r"beneficiar|begünstigt|toteuttaj|tuensaaja|beneficjent|bénéficiaire|"
                     r"beneficiario|organisation|organization|träger|hakija|wnioskodawca|"
                     r"soggetto|partner|stödmottagare|korisnik|pályázó|kedvezményezett|"
                     r"támogatott", 4)],
    "start_date": [(r"start|beginn|aloitus|alkamis|rozpocz|début|debut|inizio|inicio|\bfrom\b|"
                    r"\bvon\b|\balku|datum ugovaranja|döntés dátuma|kezdet", 4)],
    "end_date": [(r"\bend\b|\bende\b|päättymis|loppu|zakończ|\bfin\b|\bfine\b|conclus|\bto\b|"
                  r"\bbis\b|until|sluttid|zaključni datum|befejez", 4)],
    "total_cost": [(r"total|gesamt|yhteensä|kokonais|wartość|całkowit|coût|montant|costo|"
                    r"importo|coste|gasto|eligible|förderfähig|kustannus|budget|"
                    r"ukupno|prihvatljivi|troškovi|összköltség|total_kostnad", 4),
                   (r"toteutunut|paid|ausgezahlt|wypłac|realis|payé|pagat|pagad|spent", -3)],
    "eu_contribution": [(r"\beu\b|\bue\b|union|unions|eakr|\besr\b|erdf|\besf|efre|feder|fesr|"
                         r"\bfse\b|dofinansowanie|co-?financ|kofinanz|contribution|beitrag|"
                         r"myönnetty|grant|beviljat|belopp|támogatás összege", 4),
                        (r"rate|satz|%|stopa|taux|tasso|tasa|osuus|toteutunut|paid|ausgezahlt|"
                         r"wypłac|realis|payé|_eur$", -3)],
    # EU AND national public money granted together: a measure of its own, never EU money
    "public_funding": [(r"eu- ja valtion|eu and (the )?(state|national)|eu \+ (state|national)|"
                        r"public funding|bespovratna|megítélt", 6)],
    "eu_rate": [(r"rate|satz|%|stopa|taux|tasso|tasa|prozent|percent|osuus|aránya", 4)],
    "status": [(r"\b(status|tila|stan|état|etat|stato|estado)\b", 4)],
    "category": [(r"categor|kategori|dziedzina|theme|thema|teema|topic|\bfield\b|domaine|"
                  r"settore|sector|priority|prioritätsachse|toimintalinja|\btl\b|oś|"
                  r"tematiskt|insatsområde|kitörési|intervencij", 3)],
    "fund": [(r"\b(fund|rahasto|fonds|fundusz|fondo|fond|forrás megnevezése)\b", 4)],
    "programme": [(r"programme|program|ohjelma|programm|programma|programa|område", 3)],
    "postcode": [(r"post ?code|postal|\bzip\b|\bplz\b|postleitzahl|postinumero|kod pocztowy|"
                  r"code postal|\bcap\b|código postal|postnummer|irányítószám", 5)],
    "nuts_code": [(r"\bnuts ?3\b", 6), (r"\bnuts\b", 5), (r"\bnuts ?[12]\b|nutsii", -2)],
    "lau_code": [(r"\blau\b|gemeindekennziffer|gemeindecode|regionalcode|location indicator|"
                  r"kuntakoodi|kuntanumero|teryt|code insee|codice istat|municipality code|"
                  r"kommunkod", 4)],
    "municipality": [(r"municipality|gemeinde|\bkunta\b|gmina|commune|comune|municipio|\bcity\b|"
                      r"stadt|kaupunki|miasto|ville|città|ciudad|\bort\b|lieu|località|"
                      r"miejscowość|sijainti|\btown\b|kommun|helység|település|općina|grad", 3)],
}  # fmt: skip
BODY_WORDS = (
    r"viranomainen|intermediate body|zwischengeschaltet|instytucja pośrednicząca|"
    r"organisme intermédiaire|organismo intermedio|välittävä toimielin"
)
#: Columns of region names (county, NUTS 2 region) that rules can put on the map.
REGION_WORDS = (
    r"\blän\b|\bområde\b|županij|megye|régió|\bregion\b|voivodeship|województwo|maakunta|\bnutsii\b"
)
COUNTRY_WORDS = r"\b(country|land|maa|kraj|pays|paese|país|pais|staat|ország|država)\b"
#: Header words naming the x (longitude, easting) and y (latitude, northing) columns.
COORDINATE_WORDS = {
    "lon": r"^(lon|lng|long|longitude|längengrad|pituus|x|x_coord|easting|itä|e)$|longitud|"
    r"\blon\b|\blng\b|\bx\b|easting",
    "lat": r"^(lat|latitude|breitengrad|leveys|y|y_coord|northing|pohjoinen|n)$|latitud|"
    r"\blat\b|\by\b|northing",
}
#: The national projected CRS a list of that country most likely uses for eastings/northings.
COUNTRY_CRS = {
    "FI": "EPSG:3067", "SE": "EPSG:3006", "PL": "EPSG:2180", "DE": "EPSG:25832",
    "AT": "EPSG:31287", "FR": "EPSG:2154", "HR": "EPSG:3765", "HU": "EPSG:23700",
    "IT": "EPSG:32632", "ES": "EPSG:25830", "NL": "EPSG:28992", "BE": "EPSG:31370",
    "CZ": "EPSG:5514", "SK": "EPSG:5514", "PT": "EPSG:3763", "DK": "EPSG:25832",
}  # fmt: skip
LANGUAGE_WORDS = {
    "fi": r"hankkeen|nimi|rahasto|viranomainen|tila|aloitus|päättymis|toteuttaja|myönnetty|yhteensä",
    "de": r"bezeichnung|vorhaben|begünstigt|gesamt|datum|beginn|ende|land|satz|gemeinde|betrag",
    "pl": r"tytuł|projektu|nazwa|beneficjent|wartość|dofinansowanie|dziedzina|czy|gmina",
    "fr": r"intitulé|projet|bénéficiaire|montant|coût|début|commune|opération|pays",
    "it": r"titolo|progetto|beneficiario|importo|costo|inizio|comune|paese",
    "es": r"título|proyecto|beneficiario|importe|coste|fecha|inicio|municipio|país",
    "sv": r"projektnamn|stödmottagare|belopp|beviljat|kommuner|\blän\b|område|starttid|sluttid|"
    r"beskrivning|ärende",
    "hr": r"naziv|korisnik|županija|sredstva|troškovi|ugovaranja|operativni|zaključni",
    "hu": r"pályázó|megnevezése|helye|megye|helység|összeg|támogatás|döntés|dátuma|régió",
    "en": r"name|title|project|beneficiary|total|start|end|date|country|operation|amount|"
    r"partner|acronym|town",
}
#: Frequent small words of running text, to tell the language of the cells.
VALUE_WORDS = {
    "fi": r"\b(ja|sekä|hanke|kehittäminen|hankinta|uusi|oy)\b",
    "de": r"\b(und|der|die|das|für|mit|von|des|gmbh)\b",
    "pl": r"\b(oraz|dla|budowa|rozwój|przebudowa|sp\.|gmina|spółka)\b",
    "fr": r"\b(le|la|les|des|et|pour|du|sur)\b",
    "it": r"\b(il|di|della|dei|per|nel|degli)\b",
    "es": r"\b(el|los|las|del|para|con|y)\b",
    "sv": r"\b(och|att|för|som|med|till|av|är|kommun|ab)\b",
    "hr": r"\b(razvoj|razvoja|sustava|provedba|provedbe|hrvatske|zavod|općina|d\.o\.o\.)\b",
    "hu": r"\b(és|a|az|fejlesztése|önkormányzat|város|község|zrt\.|kft\.)\b",
    "en": r"\b(the|and|of|for|with|ltd)\b",
}
LANGUAGE_COUNTRY = {
    "fi": "FI", "pl": "PL", "de": "DE", "fr": "FR", "it": "IT", "es": "ES", "sv": "SE",
    "hr": "HR", "hu": "HU",
}  # fmt: skip
COUNTRY_NAMES = {
    "austria": "AT", "österreich": "AT", "oesterreich": "AT", "finland": "FI", "suomi": "FI",
    "poland": "PL", "polska": "PL", "germany": "DE", "deutschland": "DE", "france": "FR",
    "italy": "IT", "italia": "IT", "spain": "ES", "españa": "ES", "greece": "EL",
    "sweden": "SE", "sverige": "SE", "czechia": "CZ", "czech republic": "CZ", "hungary": "HU",
    "magyarország": "HU", "romania": "RO", "românia": "RO", "bulgaria": "BG", "croatia": "HR",
    "hrvatska": "HR", "slovenia": "SI", "slovenija": "SI", "slovakia": "SK", "slovensko": "SK",
    "portugal": "PT", "belgium": "BE", "belgique": "BE", "belgië": "BE", "netherlands": "NL",
    "nederland": "NL", "denmark": "DK", "danmark": "DK", "ireland": "IE", "estonia": "EE",
    "eesti": "EE", "latvia": "LV", "latvija": "LV", "lithuania": "LT", "lietuva": "LT",
    "luxembourg": "LU", "malta": "MT", "cyprus": "CY",
}  # fmt: skip
CURRENCIES = {"PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "SE": "SEK", "DK": "DKK",
              "BG": "BGN", "HR": "HRK"}  # fmt: skip
#: Currency signs and words written in amount cells or headers (lower-case, whole words).
CURRENCY_SIGNS = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "kn": "HRK", "hrk": "HRK", "huf": "HUF",
    "ft": "HUF", "sek": "SEK", "kr": "SEK", "pln": "PLN", "zł": "PLN", "czk": "CZK",
    "kč": "CZK", "ron": "RON", "lei": "RON", "bgn": "BGN", "лв": "BGN", "dkk": "DKK",
}  # fmt: skip
FUND_NAMES = {
    "EAKR": "ERDF", "ESR": "ESF", "EFRE": "ERDF", "ESF": "ESF", "ERDF": "ERDF", "FEDER": "ERDF",
    "FSE": "ESF", "FESR": "ERDF", "EFRR": "ERDF", "EFS": "ESF", "ESF+": "ESF+", "CF": "CF",
    "KF": "CF", "JTF": "JTF", "FC": "CF", "KA": "CF", "KOHÉZIÓS ALAP": "CF",
    "EUROPSKI FOND ZA REGIONALNI RAZVOJ": "ERDF", "EUROPSKI SOCIJALNI FOND": "ESF",
    "EUROPSKI SOCIJANI FOND": "ESF", "KOHEZIJSKI FOND": "CF", "REGIONALFONDEN": "ERDF",
    "SOCIALFONDEN": "ESF", "EUROOPAN ALUEKEHITYSRAHASTO": "ERDF", "EUROOPAN SOSIAALIRAHASTO": "ESF",
    "EUROPÄISCHER FONDS FÜR REGIONALE ENTWICKLUNG": "ERDF", "EUROPEJSKI FUNDUSZ ROZWOJU REGIONALNEGO": "ERDF",
    "EUROPEJSKI FUNDUSZ SPOŁECZNY": "ESF", "FUNDUSZ SPÓJNOŚCI": "CF", "ERFA": "ERDF",
    "EUROPEAN REGIONAL DEVELOPMENT FUND": "ERDF", "EUROPEAN SOCIAL FUND": "ESF",
    "COHESION FUND": "CF", "ERFA-ALAP": "ERDF", "ESZA": "ESF",
}  # fmt: skip
