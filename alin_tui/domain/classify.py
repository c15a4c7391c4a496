"""Which document slot a dropped file is for, from its name alone.

A name that carries a slot id (`pj-demo-1-payslips octobre.pdf`) is taken at its word. Otherwise
the kind of piece is read from the words of the name (French and English, abbreviations, plurals,
accents and separators folded, digits ignored) and the person from a first name of the household;
a slot is chosen only when one fits. Nothing is guessed: when two kinds, two persons or two slots
fit equally well, the caller gets the candidates to offer to the person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

# --- vocabulary --------------------------------------------------------------------------
#
# Phrases as people type them. Each is folded like a name: case, accents, separators and
# apostrophes, the small words of _FILLERS (« de », « d' », « of »…) and a final plural `s`, so
# « avis d'imposition », « AVIS_IMPOSITION » and « avis-impositions » are one entry. In a name the
# longest phrase (in words) wins: « contrat de travail » over « contrat ».

VOCABULARY: dict[str, tuple[str, ...]] = {
    "identity": (
        "identity",  # the wire kind itself
        "cni",
        "carte d'identité",
        "carte nationale d'identité",
        "carte id",
        "pièce d'identité",
        "pièce id",
        "identité",
        "passeport",
        "passport",
        "titre de séjour",
        "carte de séjour",
        "carte de résident",
        "récépissé",  # of a residence-permit application
        "id card",
        "identity card",
        "identity document",
        "residence permit",
    ),
    "tax_notice": (
        "tax notice",
        "avis d'imposition",
        "avis de non-imposition",
        "avis d'impôt",
        "impôt",
        "impôt sur le revenu",
        "imposition",
        "asdir",  # avis de situation déclarative à l'impôt sur le revenu
        "avis de situation déclarative",
        "déclaration de revenus",
        "revenu fiscal",
        "rfr",
        "tax return",
        "tax assessment",
    ),
    "payslips": (
        "payslips",
        "bulletin de salaire",
        "bulletin de paie",
        "bulletin",
        "fiche de paie",
        "feuille de paie",
        "paie",
        "salaire",
        "bs",
        "payslip",
        "pay slip",
        "pay stub",
        "paystub",
        "salary",
        "salary slip",
    ),
    "income_other": (
        "income other",
        "attestation caf",
        "caf",
        "pension",
        "pension statement",
        "retraite",
        "carsat",
        "cnav",
        "agirc arrco",
        "pôle emploi",
        "france travail",
        "chômage",
        "allocation chômage",
        "bourse",
        "bilan",
        "bilan comptable",
        "urssaf",
        "rsa",
        "aah",
        "prime d'activité",
        "allocations familiales",
        "indemnités journalières",
        "rente",
        "benefits",
    ),
    "employment_contract": (
        "employment contract",
        "contrat de travail",
        "contrat",
        "cdi",
        "cdd",
        "attestation employeur",
        "promesse d'embauche",
    ),
    "family_situation": (
        "family situation",
        "livret de famille",
        "acte de naissance",
        "extrait de naissance",
        "extrait d'acte de naissance",
        "acte de mariage",
        "contrat de mariage",
        "pacs",
        "jugement de divorce",
        "divorce",
        "ordonnance de non-conciliation",
        "certificat de grossesse",
        "déclaration de grossesse",
        "grossesse",
        "family book",
        "family record book",
        "birth certificate",
        "marriage certificate",
        "pregnancy certificate",
    ),
    "moving_reason": (
        "moving reason",
        "congé",
        "congé du bailleur",
        "congé pour vente",
        "congé pour reprise",
        "avis d'expulsion",
        "expulsion",
        "jugement d'expulsion",
        "commandement de quitter les lieux",
        "arrêté d'insalubrité",
        "insalubrité",
        "arrêté de péril",
        "carte d'invalidité",
        "carte mobilité inclusion",
        "cmi",
        "eviction",
        "eviction notice",
        "notice to quit",
    ),
}

# Words with an everyday meaning besides the piece: read only when nothing else names a kind.
WEAK: dict[str, tuple[str, ...]] = {
    "identity": ("id",),  # « photo id », « id 3 »…
    "income_other": ("are",),  # aide au retour à l'emploi, and the English verb
}

# Phrases that hold a vocabulary word but are not a piece of the file: they silence the words
# they contain. A lease is not an employment contract, paid leave is not a landlord's notice.
NOT_PIECES: tuple[str, ...] = (
    "contrat de location",
    "contrat de bail",
    "contrat d'assurance",
    "contrat de prêt",
    "contrat de crédit",
    "contrat d'électricité",
    "contrat de gaz",
    "contrat d'énergie",
    "contrat de téléphone",
    "contrat mobile",
    "contrat internet",
    "contrat de vente",
    "congés payés",
    "congé maternité",
    "congé paternité",
    "congé parental",
    "congé maladie",
    "impôts locaux",
    "bilan de santé",
    "bilan médical",
    "bilan sanguin",
)

_FILLERS = frozenset(
    {"de", "d", "du", "des", "l", "la", "le", "les", "a", "au", "aux", "en", "pour", "sur", "of"}
    | {"the", "my", "mon", "ma", "mes"}
)

# --- the interface -----------------------------------------------------------------------

Method = Literal[
    "slot_id",
    "kind_person",
    "kind_single",
    "kind_lacking",
    "ambiguous",
    "unknown",
    "unknown_slot_id",
]


@dataclass(frozen=True)
class Slot:
    """A document slot of the household; `lacking`: still needed (missing, rejected or expired,
    and required)."""

    slot_id: str
    person_id: str
    kind: str
    lacking: bool


@dataclass(frozen=True)
class Person:
    person_id: str
    first_name: str


@dataclass(frozen=True)
class Match:
    """Where a file goes. `slot_id` is None when no slot or several fit; `kind` and `person_id`
    are what the name says (the slot's own when a slot id was named); `candidates` are, when
    ambiguous, the slots that fit (most likely first) and otherwise the lacking slots (the
    recognised kind's first, then the recognised person's), for a person to choose."""

    slot_id: str | None
    method: Method
    kind: str | None
    person_id: str | None
    candidates: tuple[str, ...]


# --- folding -----------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_EXTENSION = re.compile(r"\.(?:pdf|jpe?g|png)$", re.IGNORECASE)
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})
_SLOT_ID_ENDS = (" ", "_", "-", ".", "(")
_SLOT_ID_SHAPE = "pj-"


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics one space, stripped:
    `Avis_d'Imposition  2025` → `avis d imposition 2025`."""
    decomposed = unicodedata.normalize("NFKD", text)  # also ﬁ → fi, ｐ → p, 𝐂 → C
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", stripped.casefold().translate(_LIGATURES)).strip()


def _words(text: str) -> list[str]:
    """The folded words, digits (years, dates, counters) dropped."""
    return _DIGITS.sub(" ", fold(text)).split()


def _canonical(word: str) -> str:
    """A final plural `s` dropped (applied alike to names and phrases, so `pacs` → `pac` is
    harmless)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _key(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(_canonical(w) for w in words if w not in _FILLERS)


@dataclass(frozen=True)
class _Entry:
    kind: str | None  # None: a NOT_PIECES phrase
    weak: bool


def _compile() -> dict[tuple[str, ...], _Entry]:
    """The vocabulary by folded phrase; two kinds under one phrase is a mistake in the table."""
    table: dict[tuple[str, ...], _Entry] = {}
    rows: list[tuple[str, str | None, bool]] = [
        (phrase, kind, False) for kind, phrases in VOCABULARY.items() for phrase in phrases
    ]
    rows += [(phrase, kind, True) for kind, phrases in WEAK.items() for phrase in phrases]
    rows += [(phrase, None, False) for phrase in NOT_PIECES]
    for phrase, kind, weak in rows:
        key = _key(_words(phrase))
        entry = _Entry(kind, weak)
        if not key or table.get(key, entry) != entry:
            raise ValueError(f"vocabulary phrase {phrase!r} is empty or has two meanings")
        table[key] = entry
    return table


_PHRASES = _compile()
_LONGEST = max(len(k) for k in _PHRASES)
_STARTS = frozenset(k[0] for k in _PHRASES)


def _stem(name: str) -> str:
    return _EXTENSION.sub("", name.strip())


# --- reading a name ----------------------------------------------------------------------


def _kind_in(words: Sequence[str]) -> str | None:
    """The kind named by the longest phrase; None when none, or when two kinds tie."""
    keys = _key(words)
    found: list[tuple[int, int, _Entry]] = []
    for i, word in enumerate(keys):
        if word not in _STARTS:
            continue
        for n in range(1, min(_LONGEST, len(keys) - i) + 1):
            entry = _PHRASES.get(keys[i : i + n])
            if entry is not None:
                found.append((i, i + n, entry))
    # A phrase inside a longer one says nothing of its own (« contrat » in « contrat de bail »).
    ends: dict[int, int] = {}  # start → end of the longest phrase starting there
    for start, end, _ in found:
        ends[start] = max(end, ends.get(start, end))
    named = [
        (end - start, entry)
        for start, end, entry in found
        if entry.kind is not None
        and not any(
            ends.get(s, 0) >= end and ends[s] - s > end - start
            for s in range(max(0, start - _LONGEST + 1), start + 1)
        )
    ]
    pool = [(length, e) for length, e in named if not e.weak] or named
    if not pool:
        return None
    best = max(length for length, _ in pool)
    kinds = {e.kind for length, e in pool if length == best}
    return kinds.pop() if len(kinds) == 1 else None


def kind_of(name: str) -> str | None:
    """The document kind a file name speaks of, or None if it names none or two equally."""
    return _kind_in(_words(_stem(name)))


def _person_in(words: Sequence[str], persons: Sequence[Person]) -> str | None:
    """The one person whose first name is in the name as whole words (the longer name wins:
    « jean pierre » over « jean »); None when none, or two people tie."""
    present = set(words)
    best = 0
    found: set[str] = set()
    for person in persons:
        name = tuple(_words(person.first_name))
        if not name or name[0] not in present or len(name) < best:
            continue
        n = len(name)
        if any(tuple(words[i : i + n]) == name for i in range(len(words) - n + 1)):
            if n > best:
                best, found = n, set()
            found.add(person.person_id)
    return found.pop() if len(found) == 1 else None


def _slot_named(stem: str, slots: Sequence[Slot]) -> Slot | None:
    """The slot whose id starts the name (alone or followed by a separator); the longest id wins.
    Case is ignored: some file systems and people do not keep it."""
    lowered = stem.lower()
    for slot in sorted(slots, key=lambda s: len(s.slot_id), reverse=True):
        sid = slot.slot_id.lower()
        if sid and lowered.startswith(sid):
            rest = lowered[len(sid) :]
            if not rest or rest.startswith(_SLOT_ID_ENDS):
                return slot
    return None


def _lacking(slots: Sequence[Slot], kind: str | None, person_id: str | None) -> tuple[str, ...]:
    """The lacking slots, those of the recognised kind first, then the recognised person's."""
    lacking = [s for s in slots if s.lacking]
    lacking.sort(key=lambda s: (s.kind != kind, s.person_id != person_id))
    return tuple(s.slot_id for s in lacking)


def _lacking_first(slots: Sequence[Slot]) -> tuple[str, ...]:
    return tuple(s.slot_id for s in sorted(slots, key=lambda s: not s.lacking))


def classify(filename: str, slots: Sequence[Slot], persons: Sequence[Person]) -> Match:
    """The slot a dropped file is for, and how it was found (see the module docstring).

    Never raises on any name: unreadable characters, emoji and control characters only separate
    words."""
    stem = _stem(filename)
    named = _slot_named(stem, slots)
    if named is not None:
        return Match(named.slot_id, "slot_id", named.kind, named.person_id, ())
    words = _words(stem)
    kind = _kind_in(words)
    person = _person_in(words, persons)
    if stem.lower().startswith(_SLOT_ID_SHAPE):
        return Match(None, "unknown_slot_id", kind, person, _lacking(slots, kind, person))
    of_kind = [s for s in slots if s.kind == kind] if kind is not None else []
    if not of_kind:
        return Match(None, "unknown", kind, person, _lacking(slots, kind, person))
    if person is not None:
        fits = [s for s in of_kind if s.person_id == person]
        if not fits:
            return Match(None, "unknown", kind, person, _lacking(slots, kind, person))
        lacking = [s for s in fits if s.lacking]
        if len(fits) == 1 or len(lacking) == 1:
            chosen = fits[0] if len(fits) == 1 else lacking[0]
            return Match(chosen.slot_id, "kind_person", kind, person, ())
        return Match(None, "ambiguous", kind, person, _lacking_first(fits))
    if len(of_kind) == 1:
        return Match(of_kind[0].slot_id, "kind_single", kind, None, ())
    lacking = [s for s in of_kind if s.lacking]
    if len(lacking) == 1:
        return Match(lacking[0].slot_id, "kind_lacking", kind, None, ())
    return Match(None, "ambiguous", kind, None, _lacking_first(of_kind))
