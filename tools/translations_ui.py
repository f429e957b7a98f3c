"""The UI translations, kept as a table that writes the gettext catalogs.

Run ``python tools/translations_ui.py`` after ``tools/i18n.sh`` has added new strings: it fills
each language's messages.po from the table below (one row per msgid: fi, de, it, fr).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

T = {
    "API documentation": (
        "API-dokumentaatio",
        "API-Dokumentation",
        "Documentazione API",
        "Documentation de l'API",
    ),
    "All": ("Kaikki", "Alle", "Tutti", "Tous"),
    "Breadcrumb": ("Murupolku", "Brotkrümelnavigation", "Percorso di navigazione", "Fil d'Ariane"),
    "Budget": ("Budjetti", "Budget", "Bilancio", "Budget"),
    "Clear filters": (
        "Tyhjennä suodattimet",
        "Filter zurücksetzen",
        "Azzera i filtri",
        "Effacer les filtres",
    ),
    "Close": ("Sulje", "Schließen", "Chiudi", "Fermer"),
    "Confidence": ("Luotettavuus", "Konfidenz", "Affidabilità", "Confiance"),
    "Country": ("Maa", "Land", "Paese", "Pays"),
    "Data:": ("Aineistot:", "Daten:", "Dati:", "Données :"),
    "Datasets and licences": (
        "Aineistot ja lisenssit",
        "Datensätze und Lizenzen",
        "Dataset e licenze",
        "Jeux de données et licences",
    ),
    "Download CSV": ("Lataa CSV", "CSV herunterladen", "Scarica CSV", "Télécharger CSV"),
    "Download GeoJSON": (
        "Lataa GeoJSON",
        "GeoJSON herunterladen",
        "Scarica GeoJSON",
        "Télécharger GeoJSON",
    ),
    "EU contribution": ("EU-rahoitus", "EU-Beitrag", "Contributo UE", "Contribution de l'UE"),
    "EU contribution per inhabitant": (
        "EU-rahoitus asukasta kohden",
        "EU-Beitrag je Einwohner",
        "Contributo UE per abitante",
        "Contribution de l'UE par habitant",
    ),
    "EU funding by start year": (
        "EU-rahoitus aloitusvuoden mukaan",
        "EU-Förderung nach Startjahr",
        "Finanziamento UE per anno di avvio",
        "Financement de l'UE par année de début",
    ),
    "EU-funded projects by region": (
        "EU-rahoitteiset hankkeet alueittain",
        "EU-geförderte Projekte nach Region",
        "Progetti finanziati dall'UE per regione",
        "Projets financés par l'UE par région",
    ),
    "End": ("Päättyy", "Ende", "Fine", "Fin"),
    "Filters": ("Suodattimet", "Filter", "Filtri", "Filtres"),
    "Follow the zoom": ("Seuraa zoomausta", "Dem Zoom folgen", "Segui lo zoom", "Suivre le zoom"),
    "From year": ("Vuodesta", "Ab Jahr", "Dall'anno", "À partir de l'année"),
    "Fund": ("Rahasto", "Fonds", "Fondo", "Fonds"),
    "Higher education": (
        "Korkeakoulu",
        "Hochschule",
        "Istruzione superiore",
        "Enseignement supérieur",
    ),
    "Language": ("Kieli", "Sprache", "Lingua", "Langue"),
    "Legend": ("Selite", "Legende", "Legenda", "Légende"),
    "Licence:": ("Lisenssi:", "Lizenz:", "Licenza:", "Licence :"),
    "Loading…": ("Ladataan…", "Wird geladen…", "Caricamento…", "Chargement…"),
    "Located by": ("Sijainnin peruste", "Verortet über", "Localizzato tramite", "Localisé par"),
    "Map": ("Kartta", "Karte", "Mappa", "Carte"),
    "Map of participants' regions": (
        "Osallistujien alueet kartalla",
        "Karte der Regionen der Beteiligten",
        "Mappa delle regioni dei partecipanti",
        "Carte des régions des participants",
    ),
    "Map of regions": (
        "Alueiden kartta",
        "Karte der Regionen",
        "Mappa delle regioni",
        "Carte des régions",
    ),
    "NUTS code": ("NUTS-koodi", "NUTS-Code", "Codice NUTS", "Code NUTS"),
    "NUTS code (recoded)": (
        "NUTS-koodi (muunnettu)",
        "NUTS-Code (umkodiert)",
        "Codice NUTS (ricodificato)",
        "Code NUTS (recodé)",
    ),
    "NUTS level": ("NUTS-taso", "NUTS-Ebene", "Livello NUTS", "Niveau NUTS"),
    "Name": ("Nimi", "Name", "Nome", "Nom"),
    "Neighbouring regions": (
        "Naapurialueet",
        "Nachbarregionen",
        "Regioni confinanti",
        "Régions voisines",
    ),
    "Next": ("Seuraava", "Weiter", "Successiva", "Suivante"),
    "No data": ("Ei tietoa", "Keine Daten", "Nessun dato", "Pas de données"),
    "Objective": ("Tavoite", "Ziel", "Obiettivo", "Objectif"),
    "Open region page": (
        "Avaa alueen sivu",
        "Regionsseite öffnen",
        "Apri la pagina della regione",
        "Ouvrir la page de la région",
    ),
    "Organisation": ("Organisaatio", "Organisation", "Organizzazione", "Organisation"),
    "Organisation type": (
        "Organisaation tyyppi",
        "Organisationstyp",
        "Tipo di organizzazione",
        "Type d'organisation",
    ),
    "Original record": (
        "Alkuperäinen tietue",
        "Originaleintrag",
        "Scheda originale",
        "Fiche d'origine",
    ),
    "Other": ("Muu", "Sonstige", "Altro", "Autre"),
    "Other published figures": (
        "Muut julkaistut luvut",
        "Weitere veröffentlichte Zahlen",
        "Altri dati pubblicati",
        "Autres chiffres publiés",
    ),
    "Pages": ("Sivut", "Seiten", "Pagine", "Pages"),
    "Participants": ("Osallistujat", "Beteiligte", "Partecipanti", "Participants"),
    "Participants by organisation type": (
        "Osallistujat organisaatiotyypin mukaan",
        "Beteiligte nach Organisationstyp",
        "Partecipanti per tipo di organizzazione",
        "Participants par type d'organisation",
    ),
    "Participations": ("Osallistumiset", "Beteiligungen", "Partecipazioni", "Participations"),
    "Period": ("Kausi", "Zeitraum", "Periodo", "Période"),
    "Population": ("Väkiluku", "Bevölkerung", "Popolazione", "Population"),
    "Previous": ("Edellinen", "Zurück", "Precedente", "Précédente"),
    "Private company": ("Yritys", "Privatunternehmen", "Impresa privata", "Entreprise privée"),
    "Programme": ("Ohjelma", "Programm", "Programma", "Programme"),
    "Project": ("Hanke", "Projekt", "Progetto", "Projet"),
    "Projects": ("Hankkeet", "Projekte", "Progetti", "Projets"),
    "Public body": (
        "Julkinen toimija",
        "Öffentliche Einrichtung",
        "Ente pubblico",
        "Organisme public",
    ),
    "Region": ("Alue", "Region", "Regione", "Région"),
    "Regions ranked by": (
        "Alueet järjestyksessä:",
        "Regionen geordnet nach",
        "Regioni ordinate per",
        "Régions classées par",
    ),
    "Research organisation": (
        "Tutkimusorganisaatio",
        "Forschungseinrichtung",
        "Organismo di ricerca",
        "Organisme de recherche",
    ),
    "Role": ("Rooli", "Rolle", "Ruolo", "Rôle"),
    "Search": ("Haku", "Suche", "Cerca", "Recherche"),
    "Search a region, project or organisation": (
        "Hae aluetta, hanketta tai organisaatiota",
        "Region, Projekt oder Organisation suchen",
        "Cerca una regione, un progetto o un'organizzazione",
        "Rechercher une région, un projet ou une organisation",
    ),
    "Show": ("Näytä", "Anzeigen", "Mostra", "Afficher"),
    "Show as table": (
        "Näytä taulukkona",
        "Als Tabelle anzeigen",
        "Mostra come tabella",
        "Afficher sous forme de tableau",
    ),
    "Show the map": ("Näytä kartta", "Karte anzeigen", "Mostra la mappa", "Afficher la carte"),
    "Similar projects": (
        "Samankaltaiset hankkeet",
        "Ähnliche Projekte",
        "Progetti simili",
        "Projets similaires",
    ),
    "Skip to content": (
        "Siirry sisältöön",
        "Zum Inhalt springen",
        "Vai al contenuto",
        "Aller au contenu",
    ),
    "Source": ("Lähde", "Quelle", "Fonte", "Source"),
    "Source:": ("Lähde:", "Quelle:", "Fonte:", "Source :"),
    "Source: Eurostat": (
        "Lähde: Eurostat",
        "Quelle: Eurostat",
        "Fonte: Eurostat",
        "Source : Eurostat",
    ),
    "Sources:": ("Lähteet:", "Quellen:", "Fonti:", "Sources :"),
    "Start": ("Alkaa", "Beginn", "Inizio", "Début"),
    "Title": ("Nimi", "Titel", "Titolo", "Titre"),
    "To year": ("Vuoteen", "Bis Jahr", "All'anno", "Jusqu'à l'année"),
    "Topic": ("Aihe", "Thema", "Tema", "Thème"),
    "Topics": ("Aiheet", "Themen", "Temi", "Thèmes"),
    "Unknown": ("Tuntematon", "Unbekannt", "Sconosciuto", "Inconnu"),
    "coordinates": ("koordinaatit", "Koordinaten", "coordinate", "coordonnées"),
    "country": ("maa", "Land", "paese", "pays"),
    "e.g. hydrogen": ("esim. vety", "z. B. Wasserstoff", "ad es. idrogeno", "p. ex. hydrogène"),
    "intermediate body": (
        "välittävä toimielin",
        "zwischengeschaltete Stelle",
        "organismo intermedio",
        "organisme intermédiaire",
    ),
    "municipality code": ("kuntakoodi", "Gemeindekennziffer", "codice comunale", "code de commune"),
    "municipality name": ("kunnan nimi", "Gemeindename", "nome del comune", "nom de commune"),
    "not located": ("ei paikannettu", "nicht verortet", "non localizzato", "non localisé"),
    "of": ("/", "vom", "del", "du"),
    "overlap": ("päällekkäisyys", "Überschneidung", "sovrapposizione", "chevauchement"),
    "place name": ("paikannimi", "Ortsname", "toponimo", "nom de lieu"),
    "postcode": ("postinumero", "Postleitzahl", "codice postale", "code postal"),
    "rate": ("kurssi", "Kurs", "tasso", "taux"),
    "regions": ("aluetta", "Regionen", "regioni", "régions"),
    "synergy": ("synergia", "Synergie", "sinergia", "synergie"),
    "version": ("versio", "Version", "versione", "version"),
    "Air quality": ("Ilmanlaatu", "Luftqualität", "Qualità dell'aria", "Qualité de l'air"),
    "Air quality side by side": (
        "Ilmanlaatu rinnakkain",
        "Luftqualität im Vergleich",
        "Qualità dell'aria a confronto",
        "Qualité de l'air côte à côte",
    ),
    "Conventions": ("Käytännöt", "Konventionen", "Convenzioni", "Conventions"),
    "Current pace per year": (
        "Nykyinen vauhti vuodessa",
        "Aktuelles Tempo pro Jahr",
        "Ritmo attuale all'anno",
        "Rythme actuel par an",
    ),
    "Current value": ("Nykyinen arvo", "Aktueller Wert", "Valore attuale", "Valeur actuelle"),
    "Data coverage rules": (
        "Aineiston kattavuussäännöt",
        "Regeln zur Datenabdeckung",
        "Regole di copertura dei dati",
        "Règles de couverture des données",
    ),
    "Digital Compass": (
        "Digitaalinen kompassi",
        "Digitaler Kompass",
        "Bussola digitale",
        "Boussole numérique",
    ),
    "Digital Decade 2030 targets in people for the region": (
        "Digitaalisen vuosikymmenen 2030 tavoitteet alueen ihmisinä",
        "Ziele der Digitalen Dekade 2030 in Personen für die Region",
        "Obiettivi del Decennio digitale 2030 in persone per la regione",
        "Objectifs de la Décennie numérique 2030 en personnes pour la région",
    ),
    "Flagged input": (
        "Merkityt syötteet",
        "Markierte Eingabedaten",
        "Dati segnalati",
        "Données signalées",
    ),
    "Gap": ("Kuilu", "Lücke", "Divario", "Écart"),
    "Method": ("Menetelmä", "Methode", "Metodo", "Méthode"),
    "Needed per year": (
        "Tarvitaan vuodessa",
        "Nötig pro Jahr",
        "Necessario all'anno",
        "Nécessaire par an",
    ),
    "Region code": ("Aluekoodi", "Regionscode", "Codice della regione", "Code de la région"),
    "Sections": ("Osiot", "Bereiche", "Sezioni", "Sections"),
    "Station or region": (
        "Asema tai alue",
        "Station oder Region",
        "Stazione o regione",
        "Station ou région",
    ),
    "Target": ("Tavoite", "Ziel", "Obiettivo", "Objectif"),
    "Target reached": (
        "Tavoite saavutetaan",
        "Ziel erreicht",
        "Obiettivo raggiunto",
        "Objectif atteint",
    ),
    "Targets that cannot be expressed for a region": (
        "Tavoitteet, joita ei voi ilmaista alueelle",
        "Ziele, die sich für eine Region nicht ausdrücken lassen",
        "Obiettivi non esprimibili per una regione",
        "Objectifs non exprimables pour une région",
    ),
    "allowed": ("sallittu", "zulässig", "consentiti", "autorisés"),
    "already reached": ("jo saavutettu", "bereits erreicht", "già raggiunto", "déjà atteint"),
    "attains": ("saavuttaa", "erreicht", "raggiunge", "atteint"),
    "by": ("vuoteen", "bis", "entro il", "d'ici"),
    "current pace": ("nykyinen vauhti", "aktuelles Tempo", "ritmo attuale", "rythme actuel"),
    "enterprises": ("yritystä", "Unternehmen", "imprese", "entreprises"),
    "estimated from national": (
        "arvioitu kansallisesta",
        "aus nationalem Wert geschätzt",
        "stimato dal dato nazionale",
        "estimé à partir du national",
    ),
    "exceedances": ("ylitystä", "Überschreitungen", "superamenti", "dépassements"),
    "met": ("täyttyy", "eingehalten", "rispettato", "respecté"),
    "most often": ("useimmiten", "am häufigsten", "più spesso", "le plus souvent"),
    "needed to reach the target": (
        "tarvittava tavoitteen saavuttamiseksi",
        "nötig, um das Ziel zu erreichen",
        "necessario per raggiungere l'obiettivo",
        "nécessaire pour atteindre l'objectif",
    ),
    "not assessable": ("ei arvioitavissa", "nicht bewertbar", "non valutabile", "non évaluable"),
    "not at the current pace": (
        "ei nykyisellä vauhdilla",
        "nicht beim aktuellen Tempo",
        "non al ritmo attuale",
        "pas au rythme actuel",
    ),
    "not met": ("ei täyty", "nicht eingehalten", "non rispettato", "non respecté"),
    "observed": ("havaittu", "beobachtet", "osservato", "observé"),
    "persons": ("henkilöä", "Personen", "persone", "personnes"),
    "points": ("prosenttiyksikköä", "Prozentpunkte", "punti percentuali", "points de pourcentage"),
    "published": ("julkaistu", "veröffentlicht", "pubblicato", "publié"),
    "target": ("tavoite", "Ziel", "obiettivo", "objectif"),
    "worst": ("huonoin", "am schlechtesten", "peggiore", "le pire"),
    "worst station": (
        "huonoin asema",
        "schlechteste Station",
        "stazione peggiore",
        "station la plus mauvaise",
    ),
}
LANGS = ("fi", "de", "it", "fr")
LOCALE = Path(__file__).resolve().parents[1] / "src/regioatlas/web/locale"


def main() -> None:
    for i, lang in enumerate(LANGS):
        path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            cat = read_po(f, locale=lang)
        missing = []
        for msg in cat:
            if not msg.id:
                continue
            if msg.id in T:
                msg.string = T[msg.id][i]
                msg.flags.discard("fuzzy")
            else:
                missing.append(msg.id)
        with path.open("wb") as f:
            write_po(f, cat, omit_header=False, width=100)
        print(lang, "untranslated:", missing or "none")


if __name__ == "__main__":
    main()
