"""`alin-tui export`: the dossier summary for a meeting, in Markdown, HTML and PDF, from the local
store of a synced demo account, in French and English."""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from alin_tui import export
from alin_tui.config import Settings
from alin_tui.exits import UsageError
from alin_tui.store import records
from alin_tui.ui.i18n import Translator

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HOSTILE = "<script>alert('x')</script>"


def settings_for(tmp_path: Path, store: Path | None, lang: str = "fr") -> Settings:
    settings = Settings(data_dir=tmp_path / "data", profile="export-test", lang=lang)
    if store is not None:
        settings.store_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(store, settings.store_path)
    return settings


def export_to(settings: Settings, path: Path, fmt: str | None = None, lang: str = "fr") -> bytes:
    args = argparse.Namespace(format=fmt, output=str(path))
    assert export.run(args, settings, Translator(lang)) == 0
    return path.read_bytes()


def add_application(store: Path, *, commune: str | None = None) -> None:
    """An application examined by the commission, rank 2, on the store's first offer."""
    conn = sqlite3.connect(store)
    offer_id, value = conn.execute("SELECT id, value FROM offers ORDER BY id LIMIT 1").fetchone()
    if commune is not None:
        offer = json.loads(value)
        offer["commune"] = commune
        conn.execute("UPDATE offers SET value = ? WHERE id = ?", (json.dumps(offer), offer_id))
    records.put(
        conn,
        "alin",
        "application",
        "app-export-1",
        1,
        {
            "offer_id": offer_id,
            "status": "examined",
            "rank": 2,
            "created_at": "2026-11-20T10:00:00Z",
        },
    )
    conn.commit()
    conn.close()


def rename_applicant(store: Path, first_name: str) -> None:
    conn = sqlite3.connect(store)
    value = records.values_by_id(conn, "person", "per-demo-1")
    assert value is not None
    records.put(conn, "sne", "person", "per-demo-1", 99, {**value, "first_name": first_name})
    conn.commit()
    conn.close()


# --- a small PDF reader: fpdf2 writes text as glyph codes mapped back by a ToUnicode CMap -----


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages, in order: streams inflated, each font's ToUnicode applied."""
    objects = {int(num): body for num, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def stream(num: int) -> bytes:
        body = objects[num]
        raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
        return zlib.decompress(raw) if b"/FlateDecode" in body else raw

    def cmap(num: int) -> dict[int, str]:
        table = {}
        for src, dst in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", stream(num)):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        return table

    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)])
            if to_unicode:
                fonts[name] = cmap(int(to_unicode.group(1)))
    pages = [int(n) for n in re.findall(rb"/Contents (\d+) 0 R", data)]
    out: list[str] = []
    for page in pages:
        font: dict[int, str] = {}
        content = stream(page)
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            if token.group(1):
                font = fonts[token.group(1)]
                continue
            raw = re.sub(
                rb"\\([nrtbf()\\])",
                lambda m: {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(
                    m.group(1), m.group(1)
                ),
                token.group(2),
            )
            codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
            out.append("".join(font.get(c, "\ufffd") for c in codes))
    return "\n".join(out)


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_in_french_says_stage_next_step_number_renewal_and_pieces(
    store_of, tmp_path
) -> None:
    settings = settings_for(tmp_path, store_of("demo"))
    text = export_to(settings, tmp_path / "dossier.md").decode("utf-8")

    assert text.startswith("# Dossier de demande de logement social — Amina Petit\n")
    assert "Données synchronisées le 27 novembre 2026 à 09:30" in text
    assert "**Étape** : Dossier incomplet" in text
    assert "Déposer ou remplacer les pièces manquantes" in text
    assert "Fichier national de la demande (www.demande-logement-social.gouv.fr)" in text
    assert "111 0626 519501 GIEQH" in text
    assert "15 juin 2026 (depuis 5 mois)" in text  # seniority: the date and the months
    assert "15 juin 2027 (dans 200 jours)" in text
    assert "| Nadia Petit | conjoint | 27 juillet 1974 |" in text
    assert "| Pièce d'identité / titre de séjour | refusée | illisible |" in text
    assert "Aucune candidature." in text
    assert not ISO_DATE.search(text)
    assert "pj-" not in text and "per-demo" not in text
    assert "Ctrl+" not in text  # the screens' key hints mean nothing on paper


def test_markdown_in_english_uses_the_english_words(store_of, tmp_path) -> None:
    settings = settings_for(tmp_path, store_of("demo"), lang="en")
    text = export_to(settings, tmp_path / "dossier.md", lang="en").decode("utf-8")

    assert text.startswith("# Social housing demand — Amina Petit\n")
    assert "Data synced on 27 November 2026 at 09:30" in text
    assert "111 0626 519501 GIEQH" in text
    assert "15 June 2027" in text
    assert "| Nadia Petit | partner | 27 July 1974 |" in text
    assert "Déposer" not in text and "Étape" not in text
    assert not ISO_DATE.search(text)
    assert "pj-" not in text


def test_applications_show_offer_status_rank_and_date(store_of, tmp_path) -> None:
    store = store_of("demo")
    add_application(store)
    settings = settings_for(tmp_path, store)
    text = export_to(settings, tmp_path / "dossier.md").decode("utf-8")

    row = next(line for line in text.splitlines() if "examinée en commission" in line)
    assert "charges comprises" in row and "\u00a0€" in row
    assert "| 2 |" in row and "20/11/2026" in row
    assert not ISO_DATE.search(text)


def test_a_profile_never_synced_still_exports_and_says_so(tmp_path) -> None:
    settings = settings_for(tmp_path, None)
    text = export_to(settings, tmp_path / "vide.md").decode("utf-8")

    assert "jamais été synchronisées" in text
    assert "Pas encore de demande" in text
    assert not settings.store_path.exists()  # reading creates no store for the profile


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_is_one_printable_self_contained_file(store_of, tmp_path, lang) -> None:
    settings = settings_for(tmp_path, store_of("demo"), lang=lang)
    page = export_to(settings, tmp_path / "dossier.html", lang=lang).decode("utf-8")

    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page and '<meta charset="utf-8">' in page
    assert "@media print" in page and "size: A4" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "url(" not in page and "@import" not in page
    assert "<title>" in page and "Amina Petit" in page
    assert "111 0626 519501 GIEQH" in page
    assert not ISO_DATE.search(page)
    assert "pj-" not in page


def test_server_values_are_escaped_in_html_and_markdown(store_of, tmp_path) -> None:
    store = store_of("demo")
    rename_applicant(store, HOSTILE)
    add_application(store, commune='Évry <img src=x onerror="alert(1)">')
    settings = settings_for(tmp_path, store)

    page = export_to(settings, tmp_path / "dossier.html").decode("utf-8")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page

    text = export_to(settings, tmp_path / "dossier.md").decode("utf-8")
    assert not re.search(r"(?<!\\)<", text)  # every « < » of a value is backslash-escaped
    assert r"\<script\>alert('x')\</script\>" in text


# --- PDF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Pièces justificatives", "Date d'ancienneté", "examinée en commission"]),
        ("en", ["Documents", "Seniority date", "examined by the commission"]),
    ],
)
def test_pdf_renders_accents_and_euro_in_the_embedded_font(store_of, tmp_path, lang, words) -> None:
    store = store_of("demo")
    add_application(store)
    settings = settings_for(tmp_path, store, lang=lang)
    data = export_to(settings, tmp_path / "dossier.pdf", lang=lang)

    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"DejaVuSans" in data and b"/ToUnicode" in data
    text = re.sub(r"\s+", " ", pdf_text(data))  # cells wrap long values over lines
    assert "Amina Petit" in text and "Léa Petit" in text
    assert "111 0626 519501 GIEQH" in text
    assert "€" in text
    for word in words:
        assert word in text
    assert "\ufffd" not in text
    assert not ISO_DATE.search(text)


def test_pdf_goes_to_stdout_only_when_it_is_not_a_terminal(
    store_of, tmp_path, monkeypatch, capsysbinary
) -> None:
    settings = settings_for(tmp_path, store_of("demo"))
    args = argparse.Namespace(format="pdf", output=None)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(UsageError, match="--output"):
        export.run(args, settings, Translator("fr"))

    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    assert export.run(args, settings, Translator("fr")) == 0
    assert capsysbinary.readouterr().out.startswith(b"%PDF-")


# --- format and writing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "output", "chosen"),
    [
        (None, None, "md"),
        (None, "a/b.PDF", "pdf"),
        (None, "dossier.htm", "html"),
        (None, "dossier.html", "html"),
        (None, "dossier", "md"),
        ("html", "dossier.md", "html"),
    ],
)
def test_format_comes_from_the_option_then_the_extension(fmt, output, chosen) -> None:
    assert export.choose_format(fmt, output) == chosen


def test_markdown_goes_to_stdout_without_output(store_of, tmp_path, capsysbinary) -> None:
    settings = settings_for(tmp_path, store_of("complet"))
    args = argparse.Namespace(format=None, output=None)
    assert export.run(args, settings, Translator("fr")) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert out.startswith("# Dossier de demande de logement social — Moussa Da Silva")
    assert "Prêt à candidater" in out


def test_output_on_a_directory_is_refused_and_writes_nothing(store_of, tmp_path) -> None:
    settings = settings_for(tmp_path, store_of("demo"))
    folder = tmp_path / "rendez-vous"
    folder.mkdir()
    args = argparse.Namespace(format="md", output=str(folder))
    with pytest.raises(UsageError, match="dossier"):
        export.run(args, settings, Translator("fr"))
    assert list(folder.iterdir()) == []


def test_output_in_a_missing_folder_is_refused(store_of, tmp_path) -> None:
    settings = settings_for(tmp_path, store_of("demo"))
    args = argparse.Namespace(format=None, output=str(tmp_path / "nulle-part" / "d.md"))
    with pytest.raises(UsageError, match="n'existe pas"):
        export.run(args, settings, Translator("fr"))
    assert not (tmp_path / "nulle-part").exists()


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(
    store_of, tmp_path, monkeypatch
) -> None:
    settings = settings_for(tmp_path, store_of("demo"))
    out = tmp_path / "out"
    out.mkdir()
    target = out / "dossier.html"
    target.write_text("ancienne version")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", full)
    args = argparse.Namespace(format=None, output=str(target))
    with pytest.raises(UsageError, match="Disque plein"):
        export.run(args, settings, Translator("fr"))
    assert target.read_text() == "ancienne version"
    assert [p.name for p in out.iterdir()] == ["dossier.html"]


def test_an_unwritable_folder_is_one_clear_sentence(store_of, tmp_path, monkeypatch) -> None:
    settings = settings_for(tmp_path, store_of("demo"))

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export.tempfile, "mkstemp", refused)
    args = argparse.Namespace(format=None, output=str(tmp_path / "d.pdf"))
    with pytest.raises(UsageError, match="Écriture refusée"):
        export.run(args, settings, Translator("fr"))
    assert not (tmp_path / "d.pdf").exists()


def test_an_export_replaces_an_existing_file_whole(store_of, tmp_path) -> None:
    settings = settings_for(tmp_path, store_of("demo"))
    out = tmp_path / "out"
    out.mkdir()
    target = out / "dossier.md"
    target.write_text("ancienne version")
    target.chmod(0o640)

    data = export_to(settings, target)
    assert data.startswith(b"# Dossier de demande")
    assert target.stat().st_mode & 0o777 == 0o640  # the old file's mode is kept
    assert [p.name for p in out.iterdir()] == ["dossier.md"]


def test_the_command_line_writes_the_export(store_of, tmp_path) -> None:
    from tests.cli_helpers import Cli

    cli = Cli(tmp_path / "data", None, profile="export-test")
    settings_for(tmp_path, store_of("demo"))  # the profile's store, where the command reads it
    target = tmp_path / "dossier.html"
    done = cli.run("export", "--output", str(target), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Amina Petit" in target.read_text("utf-8")

    piped = cli.run("export")
    assert piped.returncode == 0, piped.stderr
    assert "111 0626 519501 GIEQH" in piped.stdout

    refused = cli.run("export", "--output", str(tmp_path))
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr


def test_an_export_loads_no_screen_framework_nor_http_client(store_of, tmp_path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, argparse\n"
        "from alin_tui import export\n"
        "from alin_tui.store.db import connect\n"
        "from alin_tui.ui.i18n import Translator\n"
        f"conn = connect({str(store_of('demo'))!r})\n"
        "for fmt in ('md', 'html', 'pdf'):\n"
        "    export.render(export.build_summary(conn, Translator('fr')), fmt)\n"
        "print(sorted(m for m in ('textual', 'httpx', 'fastapi') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_new_export_is_private_and_an_unknown_extension_is_refused(store_of, tmp_path) -> None:
    settings = settings_for(tmp_path, store_of("demo"))
    target = tmp_path / "nouveau.html"
    old = os.umask(0o022)
    try:
        export_to(settings, target)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o600  # names, birth dates, incomes: not for others
    args = argparse.Namespace(format=None, output=str(tmp_path / "dossier.docx"))
    with pytest.raises(UsageError, match="extension inconnue"):
        export.run(args, settings, Translator("fr"))
    assert not (tmp_path / "dossier.docx").exists()
