"""Sync: the HTTP client, the push/pull engine, uploads, the drop folder, the status. No Textual."""
