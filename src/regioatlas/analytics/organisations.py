"""One organisation across sources: participations matched by PIC, VAT number or name and place.

A pure function over participation records (what the store holds, read by the API layer):
validate → match → assemble. The rules, strongest first:

1. **PIC** (the Participant Identification Code of the EU funding portal): records with the
   same PIC are one organisation (confidence 1.0). Only CORDIS records carry one.
2. **VAT number**, where a record carries one, normalised (spaces, dots and dashes dropped,
   upper case): same number, same organisation (0.95).
3. **Normalised name and place**: the name with case and accents folded, punctuation dropped
   and legal-form suffixes stripped (``Oy``, ``GmbH``, ``Sp. z o.o.``, ...), in the same
   country and the same NUTS 3 region or the same town (0.85).
4. **Normalised name and country**, for a record whose place is unknown: it joins the one
   organisation of that name in that country that has a place, and only when there is exactly
   one such organisation (0.6); with several (a chain's branches) it stays alone.

Two organisations with different PICs (or different VAT numbers) are never merged by name:
the identifiers are the publishers' own statement that they are different legal entities.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

#: method → confidence of a link made by it; ``own`` is an organisation of one record
CONFIDENCE = {"pic": 1.0, "vat": 0.95, "name_place": 0.85, "name_country": 0.6, "own": 1.0}

#: legal-form words and phrases (accents folded, lower case, punctuation as spaces) stripped
#: from the end of a name: the same body is written with and without them across sources
LEGAL_FORMS = tuple(
    sorted(
        (
            tuple(p.split())
            for p in (
                "oy",
                "oyj",
                "ab",
                "abp",
                "ky",
                "ry",
                "rf",
                "sr",
                "osk",
                "gmbh",
                "mbh",
                "ag",
                "kg",
                "kgaa",
                "ohg",
                "gbr",
                "ug",
                "e v",
                "ev",
                "eg",
                "se",
                "gmbh co kg",
                "co kg",
                "ltd",
                "limited",
                "plc",
                "llp",
                "inc",
                "llc",
                "sa",
                "s a",
                "sas",
                "sarl",
                "sl",
                "slu",
                "srl",
                "s r l",
                "spa",
                "s p a",
                "scarl",
                "bv",
                "b v",
                "nv",
                "n v",
                "vzw",
                "asbl",
                "as",
                "a s",
                "aps",
                "ou",
                "kft",
                "zrt",
                "nyrt",
                "bt",
                "doo",
                "d o o",
                "dd",
                "d d",
                "sp z o o",
                "sp zoo",
                "spolka z ograniczona odpowiedzialnoscia",
                "spolka akcyjna",
                "sp k",
                "sp j",
                "s c",
                "sro",
                "s r o",
                "drustvo s ogranicenom odgovornoscu",
                "zartkoruen mukodo reszvenytarsasag",
                "nyilvanosan mukodo reszvenytarsasag",
                "korlatolt felelossegu tarsasag",
                "nonprofit kft",
                "nonprofit zrt",
            )
        ),
        key=len,
        reverse=True,
    )
)


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics one space.

    Example
    -------
    >>> fold("Jyväskylän  Yliopisto, Oy!")
    'jyvaskylan yliopisto oy'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    # letters that NFKD does not decompose
    plain = plain.translate(
        {ord(k): v for k, v in {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae"}.items()}
    )
    return " ".join(re.split(r"[^0-9a-z]+", plain)).strip()


def normalise_name(name: str | None) -> str:
    """The name as the name rule compares it: folded, legal-form suffixes stripped.

    Example
    -------
    >>> normalise_name("Teknologian tutkimuskeskus VTT Oy")
    'teknologian tutkimuskeskus vtt'
    >>> normalise_name("FIRMA  ABC Sp. z o.o.")
    'firma abc'
    """
    words = fold(name or "").split()
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for form in LEGAL_FORMS:
            if len(form) < len(words) and tuple(words[-len(form) :]) == form:
                words = words[: -len(form)]
                stripped = True
                break
    return " ".join(words)


def normalise_vat(vat: str | None) -> str:
    """A VAT number as compared: upper case, without spaces, dots, dashes.

    Example
    -------
    >>> normalise_vat("ro 17.814-640")
    'RO17814640'
    """
    return re.sub(r"[^0-9A-Z]", "", vat.upper()) if vat else ""


#: a Croatian list writes the beneficiary's OIB after its name, "Name (98004523293)"; the OIB
#: is also its VAT number (HR + OIB)
_OIB_IN_NAME = re.compile(r"\s*\((\d{11})\)\s*$")


def vat_in_name(name: str | None, country: str | None) -> tuple[str | None, str | None]:
    """(name without it, VAT number) when a name carries its tax number, else (name, None).

    Example
    -------
    >>> vat_in_name("Filozofski fakultet Sveučilišta u Splitu (98004523293)", "HR")
    ('Filozofski fakultet Sveučilišta u Splitu', 'HR98004523293')
    """
    found = _OIB_IN_NAME.search(name or "") if country == "HR" else None
    if not found:
        return name, None
    return (name or "")[: found.start()], f"HR{found.group(1)}"


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    """One participation as the matcher reads it.

    ``key`` identifies the participation (project id, sequence); ``pic`` only when the source
    publishes PICs; ``nuts`` the record's NUTS 0-3 codes (None where not located).
    """

    key: tuple[str, int]
    name: str | None = None
    pic: str | None = None
    vat: str | None = None
    country: str | None = None
    nuts: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None)
    town: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """How one participation was tied to its organisation."""

    key: tuple[str, int]
    method: str
    confidence: float
    evidence: str


@dataclass(slots=True)
class Organisation:
    """An organisation: its records' links, names, identifiers and places."""

    id: str
    name: str
    country: str | None
    pics: list[str] = field(default_factory=list)
    vats: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # NUTS 3 codes, most records first
    towns: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


class _Clusters:
    """Union-find over records that refuses to merge two different PICs or VAT numbers."""

    def __init__(self, records: list[OrganisationRecord]):
        self.parent = list(range(len(records)))
        self.pics = [{r.pic} if r.pic else set() for r in records]
        self.vats = [{normalise_vat(r.vat)} if normalise_vat(r.vat) else set() for r in records]

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> bool:
        """Merge the clusters of i and j; False (nothing merged) when identifiers conflict."""
        a, b = self.root(i), self.root(j)
        if a == b:
            return True
        if (self.pics[a] and self.pics[b] and self.pics[a] != self.pics[b]) or (
            self.vats[a] and self.vats[b] and self.vats[a] != self.vats[b]
        ):
            return False
        self.parent[b] = a
        self.pics[a] |= self.pics[b]
        self.vats[a] |= self.vats[b]
        return True


def match_organisations(records: list[OrganisationRecord]) -> list[Organisation]:
    """Group participation records into organisations, each link with its method and confidence.

    Parameters
    ----------
    records : list of OrganisationRecord
        Every participation to match (keys unique).

    Returns
    -------
    list of Organisation
        Ordered by id; each record is linked to exactly one. Ids are lower case and stable
        while the anchor holds: ``pic-<PIC>``, ``vat-<vat>``, else ``org-<hash of country,
        name, place>``.

    Example
    -------
    >>> recs = [
    ...     OrganisationRecord(("he:1", 1), "LAHDEN AMMATTIKORKEAKOULU OY", "999", None, "FI",
    ...                        ("FI", "FI1", "FI1C", "FI1C3"), "Lahti"),
    ...     OrganisationRecord(("h2020:7", 2), None, "999", None, "FI"),
    ...     OrganisationRecord(("fi:A1", 1), "Lahden ammattikorkeakoulu Oy", None, None, "FI",
    ...                        ("FI", "FI1", "FI1C", "FI1C3")),
    ... ]
    >>> [org] = match_organisations(recs)
    >>> org.id, [(link.key[0], link.method) for link in org.links]
    ('pic-999', [('he:1', 'pic'), ('h2020:7', 'pic'), ('fi:A1', 'name_place')])
    """
    seen: set[tuple[str, int]] = set()
    for r in records:
        if r.key in seen:
            raise ValueError(f"participation {r.key} given twice")
        seen.add(r.key)
    clusters = _Clusters(records)
    how: dict[int, tuple[str, str]] = {}
    _join_by(clusters, records, how, "pic", lambda r: r.pic)
    _join_by(clusters, records, how, "vat", lambda r: normalise_vat(r.vat) or None)
    # names and towns repeat (one beneficiary, many operations): normalise each once
    name_of = {n: normalise_name(n) for n in {r.name for r in records if r.name}}
    town_of = {t: fold(t) for t in {r.town for r in records if r.town}}
    names = [name_of.get(r.name, "") if r.name else "" for r in records]
    towns = [town_of.get(r.town, "") if r.town else "" for r in records]
    index = {r.key: i for i, r in enumerate(records)}
    _join_by(
        clusters,
        records,
        how,
        "name_place",
        lambda r: (r.country, names[index[r.key]], "nuts3", r.nuts[3]) if r.nuts[3] else None,
        names,
    )
    _join_by(
        clusters,
        records,
        how,
        "name_place",
        lambda r: (
            (r.country, names[index[r.key]], "town", towns[index[r.key]])
            if towns[index[r.key]]
            else None
        ),
        names,
    )
    _join_placeless(clusters, records, how, names, towns)
    return _assemble(clusters, records, how, names)


def _join_by(clusters, records, how, method, key_of, names=None) -> None:
    """Join the records sharing a key; each joined record remembers the first method used."""
    groups: dict[object, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if names is not None and not names[i]:
            continue
        key = key_of(r)
        if key is not None:
            groups[key].append(i)
    for key, members in groups.items():
        if len(members) < 2:
            continue
        evidence = _evidence(method, key)
        for j in members[1:]:
            if clusters.join(members[0], j):
                for k in (members[0], j):
                    how.setdefault(k, (method, evidence))


def _evidence(method: str, key) -> str:
    if method in ("pic", "vat"):
        return f"{method.upper()} {key}"
    country, name, kind, place = key
    return f"name '{name}' in {country}, {'NUTS 3' if kind == 'nuts3' else 'town'} {place}"


def _join_placeless(clusters, records, how, names, towns) -> None:
    """A record without a place joins the one placed organisation of its name and country."""
    placed: dict[tuple, set[int]] = defaultdict(set)
    placeless: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if not names[i]:
            continue
        key = (r.country, names[i])
        if r.nuts[3] or towns[i]:
            placed[key].add(i)
        elif not r.pic:  # a PIC is a better identity than a name: never re-join on the name
            placeless[key].append(i)
    for key, members in placeless.items():
        roots = {clusters.root(i) for i in placed.get(key, ())}
        if len(roots) > 1:
            continue  # several organisations of that name: which one is unknowable
        anchor = next(iter(roots)) if roots else members[0]
        evidence = f"name '{key[1]}' in {key[0]}, place unknown"
        for j in members:
            if j != anchor and clusters.join(anchor, j):
                how.setdefault(j, ("name_country", evidence))
                how.setdefault(anchor, ("name_country", evidence))


def _assemble(clusters, records, how, names) -> list[Organisation]:
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        members[clusters.root(i)].append(i)
    out = []
    for root, idx in members.items():
        group = [records[i] for i in idx]
        name_counts = Counter(r.name.strip() for r in group if r.name and r.name.strip())
        countries = Counter(r.country for r in group if r.country)
        regions = Counter(r.nuts[3] for r in group if r.nuts[3])
        town_counts = Counter(r.town.strip() for r in group if r.town and r.town.strip())
        pics = sorted(clusters.pics[root])
        vats = sorted(clusters.vats[root])
        country = countries.most_common(1)[0][0] if countries else None
        if pics:
            org_id = f"pic-{pics[0]}"
        elif vats:
            org_id = f"vat-{vats[0].lower()}"  # ids are lower case: URLs may change case
        else:
            first = min(idx, key=lambda i: records[i].key)
            anchor = records[first]
            basis = f"{anchor.country}|{names[first]}|{anchor.nuts[3] or anchor.town or ''}"
            if not (names[first] and (anchor.nuts[3] or anchor.town)):
                basis = f"{basis}|{anchor.key}"  # a name alone is not an identity
            org_id = "org-" + hashlib.sha1(basis.encode()).hexdigest()[:12]
        name = (
            name_counts.most_common(1)[0][0] if name_counts else f"PIC {pics[0]}" if pics else "?"
        )
        links = [_link(records[i], how.get(i), len(idx)) for i in idx]
        out.append(
            Organisation(
                id=org_id,
                name=name,
                country=country,
                pics=pics,
                vats=vats,
                names=[n for n, _ in name_counts.most_common()],
                regions=[c for c, _ in regions.most_common()],
                towns=[t for t, _ in town_counts.most_common()],
                links=links,
            )
        )
    out.sort(key=lambda o: o.id)
    return out


def _link(record: OrganisationRecord, joined: tuple[str, str] | None, size: int) -> Link:
    if record.pic:
        return Link(record.key, "pic", CONFIDENCE["pic"], f"PIC {record.pic}")
    if joined is None or size == 1:
        return Link(record.key, "own", CONFIDENCE["own"], "the organisation's only record")
    method, evidence = joined
    return Link(record.key, method, CONFIDENCE[method], evidence)
