"""`python -m alin_tui.devtools.screenshots [DIR]`: one SVG per tab of the demo, into DIR
(default `screenshots/`), at 80×24 (the size everything must fit) and 120×40, in French, and the
offer detail, the apply confirmation and the saving of a search."""

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
    # Mes candidatures with an application in it: one to an offer of the household's territory,
    # confirmed, before the first shot of that tab (the store keeps it for the next ones)
    applied = ("3", "slash", *"villeurbanne", "escape", "a", "enter", "4")
    shots = [
        (tab, size, applied if (tab, size) == ("candidatures", (80, 24)) else (str(i + 1),))
        for size in ((80, 24), (120, 40))
        for i, tab in enumerate(TABS)
    ]
    shots += [
        ("offre", (80, 24), ("3", "down", "enter")),
        # the demo household is in the Rhône: an offer of its territory, then `a`
        ("candidater", (80, 24), ("3", "slash", *"lyon", "escape", "a")),
    ]
    # saving a search for alerts: `/evry`, Esc, then `m`
    shots += [("recherche", (80, 24), ("3", "slash", *"evry", "escape", "m"))]
    for name, size, keys in shots:
        app = AlinApp(store, session=None, lang=lang)
        async with app.run_test(size=size) as pilot:
            for key in keys:
                await pilot.press(key)
                await app.screens_settled()
            await pilot.pause()
            suffix = "" if lang == "fr" else f"-{lang}"
            number = (
                TABS.index(name) + 1
                if name in TABS
                else 5 + ("offre", "candidater", "recherche").index(name)
            )
            path = out / f"{number}-{name}-{size[0]}x{size[1]}{suffix}.svg"
            app.save_screenshot(filename=path.name, path=str(out))
            written.append(path)
    return written


async def _shoot_kiosk(out: Path, tmp: Path) -> list[Path]:
    """The kiosk's welcome (`alin-tui --kiosk`), at 80×24; nothing is opened to show it."""
    from alin_tui.config import Settings
    from alin_tui.ui.kiosk import KioskApp

    settings = Settings(data_dir=tmp / "kiosk", lang="fr", kiosk_admin_keys="ctrl+t f12")
    app = KioskApp(settings, visits=None, theme="dark")
    path = out / "9-borne-accueil-80x24.svg"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.save_screenshot(filename=path.name, path=str(out))
    return [path]


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ["TZ"] = "UTC"
    time.tzset()
    with tempfile.TemporaryDirectory() as tmp:
        store = synced_store(Path(tmp), username="complet")
        written = asyncio.run(_shoot(store, out, "fr"))
        written += asyncio.run(_shoot_kiosk(out, Path(tmp)))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
