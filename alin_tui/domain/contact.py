"""Contact details of a demand as the national file accepts them: an email address, a phone
number (French, or international with its country code) and a postal address.

`problem(field, value)` names what is wrong (a code the screens put in words), or None.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_SEPARATORS = re.compile(r"[\s.\-()/]")


def problem(field: str, value: str) -> str | None:
    text = value.strip()
    if field == "email":
        if not text:
            return "email_missing"
        return None if _EMAIL.match(text) and len(text) <= 254 else "email_invalid"
    if field == "phone":
        if not text:
            return None  # optional
        digits = _SEPARATORS.sub("", text)
        if digits.startswith("+"):
            return None if digits[1:].isdigit() and 8 <= len(digits) - 1 <= 15 else "phone_invalid"
        return (
            None if digits.isdigit() and len(digits) == 10 and digits[0] == "0" else "phone_invalid"
        )
    if field == "address":
        if not text:
            return "address_missing"
        return None if len(text) >= 5 else "address_short"
    return None
