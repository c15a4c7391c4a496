"""The reference service (ASGI): both services of the protocol with the real rules, for demos,
kiosks, field training and tests. Only the command line starts it."""
