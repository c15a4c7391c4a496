"""The Textual interface: app, views, styles, message catalogs. Only this package imports Textual."""
