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


def run(args: argparse.Namespace, settings: Any, t: Any) -> int:
    from alin_tui.profiles import open_store
    from alin_tui.store import actions

    conn = open_store(settings, t)
    try:
        rows = _open(conn)
        if args.attention_command == "list":
            return _list(args, conn, rows, settings.command_line(), t)
        wanted = next((r for r in rows if r.key == args.number), None)
        if wanted is None:
            raise UsageError(t("attention.cli_unknown", number=args.number))
        if args.attention_command == "keep-mine":
            if wanted.state != "conflict":
                raise UsageError(
                    t(
                        "attention.cli_not_conflict",
                        number=wanted.key,
                        command=settings.command_line(),
                    )
                )
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


def _list(args: argparse.Namespace, conn, rows: list[Any], command: str, t: Any) -> int:
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
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(t("attention.none"))
        return EXIT_OK
    for row in rows:
        first, *rest = _describe(t, conn, row)
        print(t("attention.cli_item", number=row.key, text=first))
        for line in rest:
            print("   " + line)
        hint = "attention.cli_hint_conflict" if row.state == "conflict" else "attention.cli_hint"
        print("   → " + t(hint, number=row.key, command=command))
    return EXIT_OK
