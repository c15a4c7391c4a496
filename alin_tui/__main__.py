"""`python -m alin_tui` is the same as the `alin-tui` command."""

from alin_tui.cli import main

raise SystemExit(main())
