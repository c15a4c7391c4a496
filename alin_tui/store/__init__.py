"""The local SQLite store (sqlite-utils): opening, migrations, one module per aggregate."""
