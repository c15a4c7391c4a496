"""Exit codes of `alin-tui` and the errors that map to them (PROTOCOL.md §8).

0 done; 1 bad usage, bad input, an unknown id, or `login` refused; 2 a server unreachable, 5xx or
429 after the attempts, or no valid token (queued work stays queued); 3 this run got a `rejected`
or `conflict` result or refused a dropped file. 2 wins over 3.
"""

from __future__ import annotations

EXIT_OK, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_REFUSED = 0, 1, 2, 3


class UsageError(Exception):
    """Bad usage or input: one line for the user, exit 1."""


class StoreUnusable(UsageError):
    """The profile's store cannot be opened or written (damaged, read-only, full disk): said in
    one line; `status` still exits 0 and says it."""


class Unreachable(Exception):
    """The server cannot be reached: one line for the user, exit 2."""
