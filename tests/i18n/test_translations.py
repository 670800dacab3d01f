"""zh-hans is the default language: every msgid in the catalogue is translated, and the compiled .mo matches."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo"


def _unquote(chunk: str) -> str:
    return "".join(
        bytes(part, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for part in re.findall(r'"((?:[^"\\]|\\.)*)"', chunk)
    )


def parse_po(path: Path) -> list[dict]:
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "msgid" not in block:
            continue
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        msgctxt = re.search(r'^msgctxt ((?:".*"\n?)+)', text, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', text, re.M)
        plural = re.search(r'^msgid_plural ((?:".*"\n?)+)', text, re.M)
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', text, re.M)
        entries.append(
            {
                "ctx": _unquote(msgctxt.group(1)) if msgctxt else None,
                "id": _unquote(msgid.group(1)),
                "plural": _unquote(plural.group(1)) if plural else None,
                "strs": [_unquote(s) for s in strs],
                "fuzzy": fuzzy,
            }
        )
    return entries


def test_every_message_is_translated_to_chinese():
    entries = [e for e in parse_po(PO) if e["id"]]
    assert len(entries) > 100
    missing = [e["id"] for e in entries if e["fuzzy"] or not all(e["strs"])]
    assert missing == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for entry in parse_po(PO):
        if not entry["id"] or entry["plural"] or entry["ctx"]:
            continue
        assert catalogue.gettext(entry["id"]) == entry["strs"][0], entry["id"]


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "草稿"), ("en", "Draft")])
def test_status_labels_follow_the_active_language(language, expected):
    from declarations.choices import DeclarationStatus

    with translation.override(language):
        assert str(DeclarationStatus.DRAFT.label) == expected
