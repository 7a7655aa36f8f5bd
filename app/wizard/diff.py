"""A word-by-word difference between two texts, for the history of long answers."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Piece:
    """A run of text: kept, added or removed."""

    text: str
    change: str  # "same", "added" or "removed"


def word_diff(old: str | None, new: str | None) -> list[Piece]:
    """The pieces that turn `old` into `new`, word by word (white space kept)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("".join(a[i1:i2]), "same"))
            continue
        if i2 > i1:
            pieces.append(Piece("".join(a[i1:i2]), "removed"))
        if j2 > j1:
            pieces.append(Piece("".join(b[j1:j2]), "added"))
    return pieces
