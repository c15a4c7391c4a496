"""`python -m alin_tui.devtools.screenshots [DIR]`: one SVG per tab of the demo, into DIR
(default `screenshots/`), at 100×30."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from alin_tui.devtools.demo import synced_store

TABS = ("demande", "pieces", "offres", "candidatures")


async def _shoot(store: Path, out: Path, lang: str) -> list[Path]:
    from alin_tui.ui.app import AlinApp

    written = []
    for tab in TABS:
        app = AlinApp(store, session=None, lang=lang)
        async with app.run_test(size=(100, 30)) as pilot:
            app.action_tab(tab)
            await pilot.pause()
            suffix = "" if lang == "fr" else f"-{lang}"
            path = out / f"{TABS.index(tab) + 1}-{tab}{suffix}.svg"
            app.save_screenshot(filename=path.name, path=str(out))
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ["TZ"] = "UTC"
    time.tzset()
    with tempfile.TemporaryDirectory() as tmp:
        store = synced_store(Path(tmp))
        written = asyncio.run(_shoot(store, out, "fr"))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
