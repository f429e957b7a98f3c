"""The UI translations, kept as a table that writes the gettext catalogs.

Run ``python tools/translations_ui.py`` after ``tools/i18n.sh`` has added new strings: it fills
each language's messages.po from the table in ``translations_ui.json`` (one row per msgid:
fi, de, it, fr).
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po

#: msgid -> [fi, de, it, fr]: the table is data, kept beside this script
T: dict[str, list[str]] = json.loads(
    (Path(__file__).with_name("translations_ui.json")).read_text(encoding="utf-8")
)
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
