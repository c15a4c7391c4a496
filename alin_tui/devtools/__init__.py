"""Developer tools that, like the command line, may start the sandbox (screenshots, demo data)."""
