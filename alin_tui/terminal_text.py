"""What the commands print, shaped for the terminal that shows it: each line wrapped at words
to the terminal's width, its continuation under the value (« Prochaine étape   Créer la… »), a
list item under its text, French quotes held to their words. Output to a pipe or a file is left
as it is, for scripts and grep; JSON and the full-screen app are never touched."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
from typing import TextIO

_COLUMN = re.compile(r"\S {2,}(?=\S)")


def wrap_line(line: str, width: int) -> str:
    """`line` wrapped at words to `width` columns (never a word cut; one longer than the line,
    such as a path, stays whole)."""
    if len(line) <= width:
        return line
    from alin_tui.ui.text import held_quotes

    indent = len(line) - len(line.lstrip())
    column = _COLUMN.search(line)
    if column and column.end() <= width // 2 and not line.lstrip().startswith("- "):
        indent = column.end()  # a label and its value: under the value
    else:  # a list item under its text; a sentence set in, to read as one with its start
        indent += 2
    return textwrap.fill(
        held_quotes(line),
        width=width,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


class WrappingWriter(io.TextIOBase):
    """A terminal's stream whose lines are wrapped as they are written (see `wrap_line`); a
    line not yet ended (a prompt) is written as it is when flushed."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self._pending = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        if lines:
            width = shutil.get_terminal_size().columns - 1
            self.stream.write("".join(wrap_line(line, width) + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.stream.write(self._pending)
            self._pending = ""
        self.stream.flush()


def shaped(stream: TextIO) -> TextIO:
    """`stream` wrapped for its terminal, or as it is when it is not one."""
    try:
        return WrappingWriter(stream) if stream.isatty() else stream  # type: ignore[return-value]
    except (AttributeError, ValueError, OSError):
        return stream
