"""Text of a project for similarity: what is indexed, how it is cut into terms, key terms.

Our texts are in English, Finnish, German and Polish. The analyser is language-neutral on
purpose (a free-text query carries no language tag): lower-case, fold diacritics
(ä → a, ł → l, ß → ss), drop the function words of the four languages, and cut every word to
its first ``PREFIX`` letters. Prefix truncation is a crude but language-independent stemmer
that works well for inflected languages such as Finnish and Polish (``hankkeen``, ``hankkeet``
→ ``hankke``), and it merges some international cognates across languages
(``digitalisaatio``, ``Digitalisierung``, ``digitalizacja`` → ``digita``). It knows no
translations: across languages the lexical method only sees such shared word stems.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

#: letters kept of each word (the stem); measured in docs/evaluation.md
PREFIX = 6
#: characters of a document given to the sentence-embedding model (longer texts are cut)
SEMANTIC_CHARS = 600
#: characters of a free-text query given to the model. Embedding costs ~1 ms per token on 2 cores
#: (measured: 200 characters 34 ms, 600 characters 87 ms); a title or a short description fits,
#: and in the hybrid default the lexical half still reads the whole query.
QUERY_CHARS = 200


def query_head(text: str, limit: int = QUERY_CHARS) -> str:
    """The first ``limit`` characters of a query, cut at a word boundary.

    Example
    -------
    >>> query_head("green hydrogen valleys in rural regions", 20)
    'green hydrogen'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    return cut if cut else text[:limit]


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_COMBINING = re.compile(r"[\u0300-\u036f]")
_FOLD = str.maketrans({"ß": "ss", "ł": "l", "Ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d"})

# Function words of English, German, Finnish and Polish (written folded, as tokens are).
_STOP_EN = """a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just me
more most my no nor not now of off on once only or other our ours out over own same she should so
some such than that the their theirs them then there these they this those through to too under
until up very was we were what when where which while who whom why will with within without would
you your yours via per e g i e etc""".split()
_STOP_DE = """aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
anderes auch auf aus bei beim bin bis bist da damit dann das dass dem den denen der des dessen die
dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es
etwas fur gegen hat hatte hier hin hinter ich ihr ihre im in ins ist ja jede jedem jeden jeder
jedes jener kann kein keine mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein seine
sich sie sind so solche soll sondern uber um und uns unter vom von vor war waren was weil welche
wenn werden wie wir wird wo zu zum zur zwischen sowie bzw""".split()
_STOP_FI = """ja tai sekä seka eli kuin kun jos etta että mutta myos myös ei ole on oli ovat olla
se ne ja sen niiden tama tämä nama nämä joka jotka jonka joiden mika mikä mita mitä kanssa
kautta mukaan osalta avulla aikana vuonna vuosina sekä ym jne esim mm kuten""".split()
_STOP_PL = """a aby ale albo ani az bez beda bedzie byc byl byla byly chociaz co czy dla do go i
ich im jak jako jej jest jego jesli juz ktora ktore ktorego ktorej ktory ktorych ku lub ma maja
mi miedzy mnie na nad nie niz o od oraz po pod poprzez przez przy sa sie tak takze ten tej to
tu tym u w we wraz z za ze zas oraz""".split()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics (``Päijät-Häme`` → ``paijat-hame``).

    Example
    -------
    >>> fold("Łódź Straße Päijät")
    'lodz strasse paijat'
    """
    text = unicodedata.normalize("NFKD", text.translate(_FOLD).lower().translate(_FOLD))
    return _COMBINING.sub("", text)


STOP_WORDS: frozenset[str] = frozenset(fold(w) for w in _STOP_EN + _STOP_DE + _STOP_FI + _STOP_PL)


def words(text: str, prefix: int = PREFIX) -> list[tuple[str, str]]:
    """(stem, surface word) for every content word of ``text``, in order.

    Words of one letter, pure numbers and function words are dropped; the stem is the folded
    word cut to ``PREFIX`` letters.

    Example
    -------
    >>> words("Kiertotalouden kehittäminen ja the Circular economy")
    [('kierto', 'kiertotalouden'), ('kehitt', 'kehittäminen'), ('circul', 'circular'), ('econom', 'economy')]
    """
    out = []
    for match in _WORD.finditer(text):
        surface = match.group().lower()
        folded = fold(surface)
        if len(folded) < 2 or folded.isdigit() or folded in STOP_WORDS:
            continue
        out.append((folded[:prefix], surface))
    return out


def terms(text: str, prefix: int = PREFIX) -> list[str]:
    """The stems of ``text`` (what the lexical index counts).

    Example
    -------
    >>> terms("Matkailuyritysten digitalisaatio")
    ['matkai', 'digita']
    """
    # folds the whole text once: this is the hot loop of index building
    return [
        w[:prefix]
        for w in _WORD.findall(fold(text))
        if len(w) > 1 and w not in STOP_WORDS and not w.isdigit()
    ]


def project_text(record: dict, *, topics: bool = False) -> str:
    """The indexed text of a project record: title, acronym, objective (and topics and fields).

    Topics and fields are left out of the index by default: the Finnish priority axes carry
    English words that pull Finnish operations towards unrelated English texts (measured in
    docs/evaluation.md); they are compared separately ("shared topics").

    Example
    -------
    >>> project_text({"title": "LightCure", "acronym": None, "objective": "Light for cure.",
    ...               "topics": ["epilepsy"]}, topics=True)
    'LightCure\\nLight for cure.\\nepilepsy'
    """
    parts = [record.get("title"), record.get("acronym"), record.get("objective")]
    if record.get("acronym") and record.get("title") and record["acronym"] in record["title"]:
        parts[1] = None
    if topics:
        parts.extend(record.get("topics") or [])
    return "\n".join(p.strip() for p in parts if p and p.strip())


def semantic_text(record: dict, *, topics: bool = False) -> str:
    """What the embedding model reads of a record: title and the start of the objective."""
    text = project_text(record, topics=topics)
    return text[:SEMANTIC_CHARS]


def has_text(record: dict) -> bool:
    """Whether a record has a title or an objective (31,451 H2020 records have neither)."""
    return bool((record.get("title") or "").strip() or (record.get("objective") or "").strip())


def surface_forms(text: str, prefix: int = PREFIX) -> dict[str, str]:
    """For each stem of ``text`` its most frequent surface word (to show terms people can read)."""
    counts: dict[str, Counter] = {}
    for stem, surface in words(text, prefix):
        counts.setdefault(stem, Counter())[surface] += 1
    return {stem: c.most_common(1)[0][0] for stem, c in counts.items()}
