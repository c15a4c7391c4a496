"""`alin-tui attention`: the refusals and conflicts the app's « À voir » lists, dealt with from
the command line, through the same store actions (`store.actions.acknowledge`, `keep_mine`).

Each is numbered by its row in the local queue: the number stays the same while others come and
go, so `attention keep-mine 7` acts on what `attention list` showed as 7, never on whatever
comes first at that moment."""

from __future__ import annotations

import argparse
import json
from typing import Any

from alin_tui.exits import EXIT_OK, UsageError


def _open(conn) -> list[Any]:
    from alin_tui.store import outbox

    return sorted(outbox.rows(conn, states=("failed", "conflict")), key=lambda r: r.key)


def _describe(t: Any, conn, row: Any) -> list[str]:
    from alin_tui.ui.text import server_words
    from alin_tui.ui.views import conflict_lines, operation_words

    name = operation_words(t, conn, row.name, row.args)
    if row.state != "conflict":
        return [t("attention.refused", name=name, message=server_words(t, row.result or {}))]
    return [t("attention.conflict_cli", name=name), *("  " + x for x in conflict_lines(t, row))]


def _file_number(event: dict[str, Any]) -> str:
    """A refused dropped file is numbered apart from the queue's rows: F and its log entry."""
    return f"F{event['id']}"


def _file_line(t: Any, event: dict[str, Any]) -> str:
    from alin_tui.ui.text import clean

    reason = t.refusal(event.get("reason") or "other", event.get("params") or {})
    return t("attention.file_refused", file=clean(event["file"], limit=80), reason=reason)


def run(args: argparse.Namespace, settings: Any, t: Any) -> int:
    from alin_tui.profiles import open_store
    from alin_tui.store import actions
    from alin_tui.sync.dropfolder import mark_seen, unseen_refusals

    conn = open_store(settings, t)
    try:
        rows, files = _open(conn), unseen_refusals(conn)
        if args.attention_command == "list":
            return _list(args, conn, rows, files, t)
        if isinstance(args.number, str):  # a refused dropped file: read, never a conflict
            event = next((e for e in files if _file_number(e) == args.number), None)
            if event is None:
                raise UsageError(t("attention.cli_unknown", number=args.number))
            if args.attention_command == "keep-mine":
                raise UsageError(t("attention.cli_not_conflict", number=args.number))
            mark_seen(conn, event["id"])
            print(t("attention.cli_file_read", number=args.number))
            return EXIT_OK
        wanted = next((r for r in rows if r.key == args.number), None)
        if wanted is None:
            raise UsageError(t("attention.cli_unknown", number=args.number))
        if args.attention_command == "keep-mine":
            if wanted.state != "conflict":
                raise UsageError(t("attention.cli_not_conflict", number=wanted.key))
            actions.keep_mine(conn, wanted.key)
            print(t("attention.cli_kept_mine", number=wanted.key))
        else:
            actions.acknowledge(conn, wanted.key)
            key = (
                "attention.cli_kept_theirs" if wanted.state == "conflict" else "attention.cli_read"
            )
            print(t(key, number=wanted.key))
        return EXIT_OK
    finally:
        conn.close()


def _list(args: argparse.Namespace, conn, rows: list[Any], files: list[dict], t: Any) -> int:
    if args.json:
        from alin_tui.ui.text import server_words

        out = [
            {
                "number": r.key,
                "kind": "conflict" if r.state == "conflict" else "refused",
                "operation": r.name,
                "code": (r.result or {}).get("code"),
                "words": server_words(t, r.result or {}),
                "mine": r.args.get("fields") if r.state == "conflict" else None,
                "theirs": (r.result or {}).get("server_value") if r.state == "conflict" else None,
            }
            for r in rows
        ] + [
            {
                "number": _file_number(e),
                "kind": "file_refused",
                "file": e["file"],
                "code": e.get("reason"),
                "words": t.refusal(e.get("reason") or "other", e.get("params") or {}),
            }
            for e in files
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows and not files:
        print(t("attention.none"))
        return EXIT_OK
    for row in rows:
        first, *rest = _describe(t, conn, row)
        print(t("attention.cli_item", number=row.key, text=first))
        for line in rest:
            print("   " + line)
        hint = "attention.cli_hint_conflict" if row.state == "conflict" else "attention.cli_hint"
        print("   → " + t(hint, number=row.key))
    for event in files:
        number = _file_number(event)
        print(t("attention.cli_item", number=number, text=_file_line(t, event)))
        print("   → " + t("attention.cli_hint", number=number))
    return EXIT_OK
