"""Pure rules of the domain (DOMAIN.md): no I/O, no clock, no framework. `today` is an argument."""
