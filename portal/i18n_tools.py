"""Translation catalogs: `python -m portal.i18n_tools update|compile|check`.

Each area (a top-level package, or a programme inside portal/) keeps its own catalog in
<area>/translations; Flask-Babel merges them at run time.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from portal.core.i18n import TRANSLATION_AREAS

ROOT = Path(__file__).resolve().parent.parent
AREAS = TRANSLATION_AREAS
LOCALES = ["zh_CN", "en"]
PYBABEL = [sys.executable, "-m", "babel.messages.frontend", "-q"]


def area_inputs(area: str) -> list[str]:
    """The area's own files and folders, leaving out the sub-areas nested inside it."""
    base = ROOT / area
    nested = {ROOT / other for other in AREAS if other != area and other.startswith(area + "/")}
    if not nested:
        return [str(base)]
    inputs = []
    for child in sorted(base.iterdir()):
        if child in nested or child.name in ("translations", "__pycache__"):
            continue
        inputs.append(str(child))
    return inputs


def extract(area: str, pot: Path):
    subprocess.run(
        [
            *PYBABEL,
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            *area_inputs(area),
        ],
        check=True,
    )


def update():
    for area in AREAS:
        translations = ROOT / area / "translations"
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            extract(area, pot)
            for locale in LOCALES:
                po = translations / locale / "LC_MESSAGES" / "messages.po"
                command = "update" if po.exists() else "init"
                args = [*PYBABEL, command, "-i", str(pot), "-d", str(translations), "-l", locale]
                if command == "update":
                    args += ["--no-fuzzy-matching", "--ignore-obsolete"]
                subprocess.run(args, check=True)


def compile_all():
    for area in AREAS:
        translations = ROOT / area / "translations"
        if translations.is_dir():
            subprocess.run([*PYBABEL, "compile", "-d", str(translations)], check=True)


def untranslated() -> dict[str, list[str]]:
    """msgids used in the code that have no Chinese translation, per area."""
    missing = {}
    for area in AREAS:
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            extract(area, pot)
            with pot.open("rb") as f:
                wanted = [m.id for m in read_po(f) if m.id]
        po_path = ROOT / area / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"
        have = {}
        if po_path.exists():
            with po_path.open("rb") as f:
                have = {m.id: m.string for m in read_po(f) if m.id and not m.fuzzy}
        gaps = [
            str(w)
            for w in wanted
            if not have.get(w) or (isinstance(have[w], tuple) and not all(have[w]))
        ]
        if gaps:
            missing[area] = gaps
    return missing


def malformed() -> list[str]:
    """Every catalog entry pybabel compile would only warn about (a msgid with no msgstr after
    it, say: dropped from the compiled catalog, so it shows untranslated), and any msgid given
    twice."""
    problems = []
    for area in AREAS:
        for po_path in sorted((ROOT / area / "translations").glob("*/LC_MESSAGES/messages.po")):
            with po_path.open("rb") as f:
                try:
                    catalog = read_po(f, abort_invalid=True)
                except PoFileError as error:
                    problems.append(f"{po_path.relative_to(ROOT)}: {error}")
                    continue
            # A msgid given twice keeps only one of its translations, silently.
            entries = sum(
                line.startswith("msgid ") for line in po_path.read_text("utf-8").splitlines()
            )
            if entries != len(catalog) + 1:  # + the header's empty msgid
                problems.append(f"{po_path.relative_to(ROOT)}: a msgid is given more than once")
    return problems


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        missing = untranslated()
        for area, ids in missing.items():
            for msgid in ids:
                print(f"{area}: untranslated: {msgid!r}")
        problems = malformed()
        for problem in problems:
            print(f"malformed: {problem}")
        return 1 if missing or problems else 0
    else:
        print("usage: python -m portal.i18n_tools update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
