"""The local SQLite store: opening, migrations, one module per aggregate."""
