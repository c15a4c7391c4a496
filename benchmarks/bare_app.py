"""The baseline of the start-up and terminal-bytes benchmarks (`bench_ui.py`, rows 1 and 8): a
bare Textual app with the widgets of alin-tui's first screen and nothing of its own.

    python benchmarks/bare_app.py [--rows N]

A Header, a TabbedContent of four panes named like alin-tui's, a DataTable in the first pane
(the lines of « Ma demande »), an Input and a DataTable of N synthetic rows in the third (the
search and the list of « Offres »; typing filters the rows), a Footer with the same keys. `3`
opens the third pane on its table, `/` its search field, ctrl+q quits. No store, no sync, no
import beyond Textual: what any Textual app of this shape costs.
"""

from __future__ import annotations

import argparse

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static, TabbedContent, TabPane

COMMUNES = [
    "Évry-Courcouronnes",
    "Saint-Denis",
    "Paris 19e",
    "Lyon 8e",
    "Villeurbanne",
    "Aubervilliers",
]
TYPES = ["T1", "T2", "T3", "T4", "T5"]
DEMANDE = [
    ("Étape", "Pas encore de demande"),
    ("Prochaine étape", "Créez votre demande et déposez vos pièces"),
    ("Numéro unique (NUR/NUD)", "aucun"),
    ("Statut de la demande", "aucune demande enregistrée"),
    ("Mes candidatures", "0 en cours"),
]


def offer_rows(count: int) -> list[tuple[str, ...]]:
    rows = []
    for i in range(count):
        surface = 20 + (i * 7) % 80
        rent = 300 + (i * 37) % 900
        rows.append(
            (
                f"{COMMUNES[i % len(COMMUNES)]} {91000 + i % 900}",
                TYPES[i % len(TYPES)],
                f"{surface} m²",
                f"{rent},{i % 100:02d} €",
                f"{rent + 200} €",
                f"{i % 40} j",
            )
        )
    return rows


class BareApp(App[None]):
    TITLE = "bare"
    CSS = """
    TabbedContent, ContentSwitcher, TabPane { height: 1fr; }
    #offers { height: 1fr; }
    #status { height: 1; padding: 0 1; background: $panel; }
    """
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quitter", priority=True),
        Binding("slash", "search", "Chercher"),
        Binding("question_mark", "help", "Aide"),
        Binding("f5", "sync", "Synchroniser"),
        Binding("3", "offres", "Offres", show=False),
    ]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = offer_rows(rows)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs", initial="demande"):
            with TabPane("Ma demande", id="demande"):
                yield DataTable(id="summary", show_header=False, cursor_type="none")
            with TabPane("Pièces justificatives", id="pieces"):
                yield Static("Pièces")
            with TabPane("Offres", id="offres"):
                yield Input(placeholder="Chercher", id="search", compact=True)
                yield DataTable(id="offers", cursor_type="row")
            with TabPane("Mes candidatures", id="candidatures"):
                yield Static("Candidatures")
        yield Static("Jamais synchronisé", id="status")
        yield Footer()

    def on_mount(self) -> None:
        summary = self.query_one("#summary", DataTable)
        summary.add_columns("", "")
        summary.add_rows(DEMANDE)
        offers = self.query_one("#offers", DataTable)
        offers.add_columns("Commune", "Type", "Surface", "Loyer + ch.", "Plafond", "Reste")
        offers.add_rows(self.rows)
        self.query_one(Input).cursor_blink = False  # as alin-tui's search field
        summary.focus()

    def action_offres(self) -> None:
        self.query_one(TabbedContent).active = "offres"
        self.query_one("#offers", DataTable).focus()

    def action_search(self) -> None:
        self.query_one(TabbedContent).active = "offres"
        self.query_one(Input).focus()

    def action_help(self) -> None:
        pass

    def action_sync(self) -> None:
        pass

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing filters the rows, as alin-tui's search does (here in memory)."""
        offers = self.query_one("#offers", DataTable)
        offers.clear()
        text = event.value.lower()
        offers.add_rows([r for r in self.rows if text in " ".join(r).lower()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    BareApp(args.rows).run()


if __name__ == "__main__":
    main()
