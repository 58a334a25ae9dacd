"""Refresh the catalogs, fill Spanish translations from a JSON file, and compile.

    python locale/translate.py [--from-json pairs.json]

pairs.json maps English msgids (or "context|msgid") to Spanish text. Run it under
`flock /tmp/tp-locale.lock` when several people edit the catalogs at once. English needs no
translation (msgids are English).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
IGNORE = ["--ignore=.venv", "--ignore=staticfiles", "--ignore=bench", "--ignore=tests"]


def refresh() -> None:
    subprocess.run(
        [*MANAGE, "makemessages", "-l", "es", "-l", "en", "--no-obsolete", *IGNORE],
        check=True,
        cwd=ROOT,
    )


def fill(pairs: dict[str, str]) -> int:
    catalog = polib.pofile(str(ROOT / "locale/es/LC_MESSAGES/django.po"))
    catalog.metadata["Language"] = "es"
    plurals = int(catalog.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    filled = 0
    for entry in catalog:
        # A msgid with a context is keyed "context|msgid" in the JSON file.
        text = pairs.get(f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid)
        if text is None and entry.msgid_plural and entry.msgstr_plural.get(0):
            text = entry.msgstr_plural[0]  # complete the forms of an earlier translation
            pairs.setdefault(entry.msgid_plural, entry.msgstr_plural.get(1, text))
        if text is None:
            continue
        if entry.msgid_plural:
            plural = pairs.get(entry.msgid_plural, text)
            # Spanish has a form for one, one for millions ("1 000 000 de") and one for others.
            entry.msgstr_plural = {i: (text if i == 0 else plural) for i in range(plurals)}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    catalog.save()
    return filled


def report_missing() -> list[str]:
    catalog = polib.pofile(str(ROOT / "locale/es/LC_MESSAGES/django.po"))
    return [
        f"{e.msgctxt}|{e.msgid}" if e.msgctxt else e.msgid
        for e in catalog
        if not e.translated() and not e.obsolete
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--from-json", type=Path)
    args = parser.parse_args()
    refresh()
    if args.from_json:
        print(f"filled {fill(json.loads(args.from_json.read_text()))} entries")
    missing = report_missing()
    if missing:
        print(f"{len(missing)} Spanish entries untranslated:")
        for msgid in missing:
            print(f"  {msgid!r}")
    subprocess.run([*MANAGE, "compilemessages", "--ignore=.venv"], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
