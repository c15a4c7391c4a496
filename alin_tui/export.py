"""`alin-tui export`: the dossier summary to bring to a meeting with a social worker or an advisor.

One plain summary is read from the local store (offline), in the user's language and with the very
words the screens use (`ui/views.py`); three renderers lay it out: Markdown (readable as text too),
one self-contained printable HTML file, and a PDF (fpdf2, imported only here, with the DejaVu Sans
fonts shipped in `alin_tui/data/fonts/`, since the PDF core fonts know Latin-1 only).

Every value from the store is server text: it goes through `clean` (no control characters), and is
escaped for the format it lands in (HTML entities, Markdown backslashes). A file is written to a
temporary file beside it and moved into place, so that a failed export leaves no half file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import html
import os
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from alin_tui.exits import EXIT_OK, UsageError

FORMATS = ("md", "html", "pdf")
_EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".txt": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
FONTS = Path(__file__).parent / "data" / "fonts"


# --- the summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A label and its value, in words; an empty label is a note under the row above."""

    label: str
    value: str
    alert: bool = False


@dataclass(frozen=True)
class Piece:
    piece: str
    state: str
    reason: str
    valid_until: str
    ok: bool


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    birth_date: str
    pieces: list[Piece] = field(default_factory=list)


@dataclass(frozen=True)
class Candidature:
    offer: str
    status: str
    rank: str
    created: str


@dataclass(frozen=True)
class Summary:
    """Everything the export shows, as finished text: the renderers only lay it out."""

    lang: str
    title: str
    notes: list[str]  # when it was made, when the data was synced, what waits to be sent
    never_synced: bool
    demand: list[Row]
    household: list[Member]
    applications: list[Candidature]
    words: dict[str, str]  # headings and column names
    footer: str


def build_summary(conn: sqlite3.Connection, t, *, now: dt.datetime | None = None) -> Summary:
    """The summary of the dossier as the local store holds it, in `t`'s language."""
    from alin_tui.domain.documents import effective_state
    from alin_tui.sync.status import read_sync
    from alin_tui.ui import views
    from alin_tui.ui.text import clean

    now = now or dt.datetime.now().astimezone()
    model = views.read_screen_model(conn)
    sync = read_sync(conn)
    name = views.applicant_name(t, model)

    notes = [t("export.exported", date=t.date(now), time=t.time(now))]
    if sync.ever_synced and sync.last_sync_at:
        notes.append(
            t("export.synced", date=t.date(sync.last_sync_at), time=t.time(sync.last_sync_at))
        )
    else:
        notes.append(t("export.never_synced"))
    if sync.pending:
        notes.append(t.count("export.pending", sync.pending))

    demand: list[Row] = []
    next_step_label = t("demande.next_step")
    for label, value in views.overview(t, model):
        if label == next_step_label:
            step = model.standing.next_step
            demand.append(Row(label, t(f"export.next_step.{step}")))
            demand.append(Row(t("export.where"), t(f"export.site.{model.standing.site}")))
            continue
        demand.append(Row(label, value.plain, alert="red" in str(value.style)))

    person_of_slot = {s.slot_id: s.person_id for s in model.slots}
    states = {s.slot_id: effective_state(s.state, s.valid_until, model.today) for s in model.slots}
    required = {s.slot_id: s.required for s in model.slots}
    pieces: dict[str, list[Piece]] = {}
    for row in views.document_rows(t, model):
        ok = states.get(row.key) in ("received", "accepted") or not required.get(row.key, True)
        pieces.setdefault(person_of_slot.get(row.key, ""), []).append(
            Piece(row.piece.plain, row.state.plain, row.reason.plain, row.valid_until.plain, ok)
        )
    household = [
        Member(
            name=clean(f"{p.first_name} {p.last_name}").strip() or "—",
            role=t(f"role.{p.role}"),
            birth_date=t.date(p.birth_date) if p.birth_date else "—",
            pieces=pieces.pop(p.id, []),
        )
        for p in model.persons
    ]
    for rest in pieces.values():  # slots of a person the store does not hold (yet)
        household.append(Member(name="—", role=t("role.other"), birth_date="—", pieces=rest))

    applications = [
        Candidature(
            offer=row.title,
            status=row.status.plain,
            rank=row.rank.plain,
            created=row.created.plain,
        )
        for row in views.application_rows(t, model)
    ]

    words = {
        "demand": t("tabs.demande"),
        "household": t("export.household"),
        "name": t("export.name"),
        "role": t("export.role"),
        "birth_date": t("export.birth_date"),
        "no_persons": t("export.no_persons"),
        "pieces": t("tabs.pieces"),
        "piece": t("pieces.kind"),
        "state": t("pieces.state"),
        "reason": t("pieces.reason"),
        "valid_until": t("pieces.valid_until"),
        "no_pieces": t("pieces.none"),
        "applications": t("tabs.candidatures"),
        "offer": t("candidatures.offer"),
        "status": t("candidatures.status"),
        "rank": t("candidatures.rank"),
        "created": t("candidatures.created"),
        "no_applications": t("candidatures.none"),
        "pair": t("export.pair", label="{label}", value="{value}"),
    }
    return Summary(
        lang=t.lang,
        title=t("export.title", name=name),
        notes=notes,
        never_synced=not sync.ever_synced,
        demand=demand,
        household=household,
        applications=applications,
        words=words,
        footer=t("export.footer"),
    )


def _pair(summary: Summary, label: str, value: str) -> str:
    return summary.words["pair"].replace("{label}", label, 1).replace("{value}", value, 1)


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Text that no Markdown reader takes for markup (nor a table cell for two)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(summary: Summary) -> str:
    w = summary.words
    out = [f"# {_md(summary.title)}", ""]
    out += [f"{_md(note)}  " for note in summary.notes]
    out += ["", f"## {_md(w['demand'])}", ""]
    for row in summary.demand:
        if row.label:
            out.append("- " + _pair(summary, f"**{_md(row.label)}**", _md(row.value)))
        else:
            out.append(f"  - **{_md(row.value)}**")
    out += ["", f"## {_md(w['household'])}", ""]
    if summary.household:
        out += _md_table(
            [w["name"], w["role"], w["birth_date"]],
            [[m.name, m.role, m.birth_date] for m in summary.household],
        )
    else:
        out.append(_md(w["no_persons"]))
    out += ["", f"## {_md(w['pieces'])}", ""]
    with_pieces = [m for m in summary.household if m.pieces]
    if not with_pieces:
        out.append(_md(w["no_pieces"]))
    for member in with_pieces:
        out += [f"### {_md(member.name)} ({_md(member.role)})", ""]
        out += _md_table(
            [w["piece"], w["state"], w["reason"], w["valid_until"]],
            [[p.piece, p.state, p.reason, p.valid_until] for p in member.pieces],
        )
        out.append("")
    out += ["", f"## {_md(w['applications'])}", ""]
    if summary.applications:
        out += _md_table(
            [w["offer"], w["status"], w["rank"], w["created"]],
            [[a.offer, a.status, a.rank, a.created] for a in summary.applications],
        )
    else:
        out.append(_md(w["no_applications"]))
    out += ["", "---", "", _md(summary.footer), ""]
    return "\n".join(out)


def _md_table(heads: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in heads) + " |"]
    lines.append("|" + "|".join("---" for _ in heads) + "|")
    for row in rows:
        lines.append("| " + " | ".join(_md(cell) or " " for cell in row) + " |")
    return lines


# --- HTML -------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 11pt;
  line-height: 1.4; color: #111; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5em; margin: 0 0 .3em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #999; padding-bottom: .15em; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 1.1em 0 .3em; }
p.note { margin: .1em 0; color: #444; }
p.warn { color: #8a1c00; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; }
th, td { text-align: left; vertical-align: top; padding: .25em .5em; border: 1px solid #bbb; }
thead th { background: #eee; }
table.pairs th { width: 32%; background: #f5f5f5; font-weight: bold; }
td.alert, tr.alert td { color: #8a1c00; font-weight: bold; }
td.missing { color: #8a1c00; }
footer { margin-top: 2em; font-size: .85em; color: #555; border-top: 1px solid #ccc;
  padding-top: .5em; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  section { break-inside: auto; }
  thead th, table.pairs th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def render_html(summary: Summary) -> str:
    e = html.escape
    w = summary.words
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(summary.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(summary.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(summary.title)}</h1>",
    ]
    for i, note in enumerate(summary.notes):
        warn = summary.never_synced and i == 1
        out.append(f'<p class="{"note warn" if warn else "note"}">{e(note)}</p>')
    out += ["</header>", "<section>", f"<h2>{e(w['demand'])}</h2>", '<table class="pairs">']
    for row in summary.demand:
        cls = ' class="alert"' if row.alert else ""
        out.append(f'<tr{cls}><th scope="row">{e(row.label)}</th><td>{e(row.value)}</td></tr>')
    out += ["</table>", "</section>", "<section>", f"<h2>{e(w['household'])}</h2>"]
    if summary.household:
        out += _html_table(
            [w["name"], w["role"], w["birth_date"]],
            [[(m.name, ""), (m.role, ""), (m.birth_date, "")] for m in summary.household],
        )
    else:
        out.append(f"<p>{e(w['no_persons'])}</p>")
    out += ["</section>", "<section>", f"<h2>{e(w['pieces'])}</h2>"]
    with_pieces = [m for m in summary.household if m.pieces]
    if not with_pieces:
        out.append(f"<p>{e(w['no_pieces'])}</p>")
    for member in with_pieces:
        out.append(f"<h3>{e(member.name)} ({e(member.role)})</h3>")
        out += _html_table(
            [w["piece"], w["state"], w["reason"], w["valid_until"]],
            [
                [
                    (p.piece, ""),
                    (p.state, "" if p.ok else "missing"),
                    (p.reason, "missing" if p.reason else ""),
                    (p.valid_until, ""),
                ]
                for p in member.pieces
            ],
        )
    out += ["</section>", "<section>", f"<h2>{e(w['applications'])}</h2>"]
    if summary.applications:
        out += _html_table(
            [w["offer"], w["status"], w["rank"], w["created"]],
            [
                [(a.offer, ""), (a.status, ""), (a.rank, ""), (a.created, "")]
                for a in summary.applications
            ],
        )
    else:
        out.append(f"<p>{e(w['no_applications'])}</p>")
    out += ["</section>", f"<footer>{e(summary.footer)}</footer>", "</body>", "</html>", ""]
    return "\n".join(out)


def _html_table(heads: list[str], rows: list[list[tuple[str, str]]]) -> list[str]:
    e = html.escape
    out = ["<table>", "<thead><tr>"]
    out += [f'<th scope="col">{e(h)}</th>' for h in heads]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        cells = "".join(
            f'<td class="{cls}">{e(text)}</td>' if cls else f"<td>{e(text)}</td>"
            for text, cls in row
        )
        out.append(f"<tr>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return out


# --- PDF --------------------------------------------------------------------------------------


def render_pdf(summary: Summary, *, now: dt.datetime | None = None) -> bytes:
    """A4, DejaVu Sans embedded (subset): accents, « », € and narrow spaces render as written."""
    from fpdf import FPDF
    from fpdf.enums import TableCellFillMode

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(summary.title)
    pdf.set_lang(summary.lang)
    pdf.set_creator("alin-tui")
    pdf.set_creation_date(now or dt.datetime.now(dt.UTC))
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float, space: float = 3) -> None:
        if pdf.will_page_break(size + 18):  # a heading never ends a page alone
            pdf.add_page()
        pdf.ln(space)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str, *, bold: bool = False, size: float = 10) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def table(heads: list[str] | None, rows: list[list[str]], widths: tuple[int, ...]) -> None:
        pdf.set_font("DejaVu", "", 9)
        with pdf.table(
            col_widths=widths,
            width=width,
            text_align="LEFT",
            first_row_as_headings=heads is not None,
            headings_style=_heading_style(),
            line_height=4.8,
            padding=1.2,
            cell_fill_color=(245, 245, 245),
            cell_fill_mode=TableCellFillMode.COLUMNS if heads is None else "NONE",
        ) as grid:
            for cells in ([heads] if heads else []) + rows:
                line = grid.row()
                for cell in cells:
                    line.cell(cell)
        pdf.ln(2)

    heading(summary.title, 15, space=0)
    for i, note in enumerate(summary.notes):
        para(note, bold=summary.never_synced and i == 1, size=9)

    w = summary.words
    heading(w["demand"], 12)
    pairs = []
    for row in summary.demand:
        pairs.append([row.label, row.value])
    table(None, pairs, (32, 68))

    heading(w["household"], 12)
    if summary.household:
        table(
            [w["name"], w["role"], w["birth_date"]],
            [[m.name, m.role, m.birth_date] for m in summary.household],
            (45, 25, 30),
        )
    else:
        para(w["no_persons"])

    heading(w["pieces"], 12)
    with_pieces = [m for m in summary.household if m.pieces]
    if not with_pieces:
        para(w["no_pieces"])
    for member in with_pieces:
        needed = 12 + 7.5 * (len(member.pieces) + 1)  # one person's checklist on one page
        if pdf.will_page_break(needed) and needed < pdf.eph:
            pdf.add_page()
        heading(f"{member.name} ({member.role})", 10, space=1)
        table(
            [w["piece"], w["state"], w["reason"], w["valid_until"]],
            [[p.piece, p.state, p.reason, p.valid_until] for p in member.pieces],
            (40, 18, 22, 20),
        )

    heading(w["applications"], 12)
    if summary.applications:
        table(
            [w["offer"], w["status"], w["rank"], w["created"]],
            [[a.offer, a.status, a.rank, a.created] for a in summary.applications],
            (52, 24, 8, 16),
        )
    else:
        para(w["no_applications"])

    pdf.ln(4)
    para(summary.footer, size=8)
    return bytes(pdf.output())


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD", fill_color=(230, 230, 230))


# --- the command ------------------------------------------------------------------------------


def choose_format(fmt: str | None, output: str | None) -> str:
    """`--format` when given; else from `--output`'s extension; else Markdown."""
    if fmt in FORMATS:  # the parser offers no other choice
        return fmt
    if output:
        suffix = Path(output).suffix.lower()  # none: Markdown; an unknown one: the caller asks
        return _EXTENSIONS.get(suffix, "") if suffix else "md"
    return "md"


def render(summary: Summary, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf(summary)
    text = render_html(summary) if fmt == "html" else render_markdown(summary)
    return text.encode("utf-8")


def run(args: argparse.Namespace, settings, t) -> int:
    """`alin-tui export [--format md|html|pdf] [--output PATH]`."""
    output = getattr(args, "output", None)
    fmt = choose_format(getattr(args, "format", None), output)
    if not fmt:  # `--output notes.docx`: no Markdown under a name that promises something else
        raise UsageError(t("export.unknown_extension", path=output))
    target = Path(output).expanduser() if output else None
    if target is not None and target.is_dir():
        raise UsageError(t("export.is_dir", path=target, example=f"dossier.{fmt}"))
    if target is None and fmt == "pdf" and sys.stdout.isatty():
        raise UsageError(t("export.pdf_to_terminal"))

    conn = _open_store(settings, t)
    try:
        summary = build_summary(conn, t)
    finally:
        conn.close()
    data = render(summary, fmt)

    if target is None:
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except BrokenPipeError:  # `alin-tui export | head`: the reader has what it wanted
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    write_atomically(target, data, t)
    print(t("export.written", path=target))
    return EXIT_OK


def _open_store(settings, t) -> sqlite3.Connection:
    """The profile's store; a profile never synced has none, and none is created for it."""
    from alin_tui.profiles import open_store
    from alin_tui.store.db import connect

    if not Path(settings.store_path).exists():
        return connect(":memory:")
    return open_store(settings, t)  # a damaged store said in words, like every command


def write_atomically(target: Path, data: bytes, t) -> None:
    """`data` at `target`, whole or not at all: a temporary file beside it, then `os.replace`."""
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UsageError(t("export.is_dir", path=target, example=f"dossier{target.suffix}"))
    if not folder.is_dir():
        raise UsageError(t("export.no_folder", folder=folder))
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise UsageError(_write_error(t, exc, target, folder)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _mode_for(target: Path) -> int:
    """An existing file keeps its mode; a new one is private (0600): a summary holds names,
    birth dates, incomes and the number, like the store it comes from."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o600


def _write_error(t, exc: OSError, target: Path, folder: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return t("export.disk_full", path=target)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return t("export.not_allowed", folder=folder)
    if exc.errno == errno.EISDIR:
        return t("export.is_dir", path=target, example=f"dossier{target.suffix}")
    return t("export.failed", path=target, error=exc.strerror or exc)
