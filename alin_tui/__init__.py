"""alin-tui: one terminal app for a social-housing demand (national file + AL-in), offline-first.

Nothing is imported here on purpose: `import alin_tui` must stay cheap so that the command line
starts fast; each command imports what it needs.
"""

__version__ = "0.1.0"
