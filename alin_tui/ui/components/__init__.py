"""One widget per tab of the main screen, each owning its bindings, its CSS and its refresh from
the one read model (`ui/views.py`); the offer list and the keyed table they are built from."""
