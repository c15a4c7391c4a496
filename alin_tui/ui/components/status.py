"""The status line: sync state in words, coloured by kind (ok, busy, warn, error)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text; }
    StatusLine.-ok { background: $success 30%; }
    StatusLine.-busy { background: $primary 30%; }
    StatusLine.-warn { background: $warning 35%; }
    StatusLine.-error { background: $error 40%; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[str, str] | None = None

    def show(self, line: str, kind: str) -> None:
        if (line, kind) == self._shown:
            return
        self._shown = (line, kind)
        self.update(Text(line, no_wrap=True, overflow="ellipsis"))
        for k in ("ok", "busy", "warn", "error"):
            self.set_class(k == kind, f"-{k}")
