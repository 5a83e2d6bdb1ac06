"""How names get mangled on the way into a registry: typos, old spelling, titles, shortened or reordered."""

from __future__ import annotations

import random

# Old (pre-1972 and Dutch-era) spelling and its reverse, plus y/j as in Yohanes/Johanes.
SPELLING_RULES: tuple[tuple[str, str], ...] = (
    ("oe", "u"),
    ("u", "oe"),
    ("dj", "j"),
    ("j", "dj"),
    ("tj", "c"),
    ("c", "tj"),
    ("ch", "kh"),
    ("kh", "ch"),
    ("y", "j"),
    ("ph", "f"),
    ("th", "t"),
    ("Oe", "U"),
    ("U", "Oe"),
    ("Dj", "J"),
    ("J", "Dj"),
    ("Tj", "C"),
    ("C", "Tj"),
    ("Ch", "Kh"),
    ("Kh", "Ch"),
    ("Y", "J"),
    ("J", "Y"),
    ("Ph", "F"),
    ("Th", "T"),
)
SPELLING_PATTERN = "oe|u|dj|j|tj|c|ch|kh|y|ph|th"  # case-insensitive test for "some rule applies"

_KEYBOARD_NEIGHBOURS = {
    "a": "sqz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "w",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}
_MUSLIM_TITLES = {False: ("H.",), True: ("Hj.",)}
_PREFIX_TITLES = {False: ("Drs.", "Ir.", "dr."), True: ("Dra.", "Ir.", "dr.")}
_SUFFIX_DEGREES = ("S.Pd", "S.H.", "S.E.", "S.Sos", "S.Kep", "A.Md", "S.T.", "M.Pd", "S.Ag", "S.Pt")


def spelling_variant(name: str, rnd: random.Random) -> str:
    """Apply one spelling rule that fits the name, scanning the rules from a random start (cheaper than
    listing every rule that applies)."""
    start = rnd.randrange(len(SPELLING_RULES))
    for k in range(len(SPELLING_RULES)):
        old, new = SPELLING_RULES[(start + k) % len(SPELLING_RULES)]
        if old in name:
            return name.replace(old, new, 1)
    return name


def typo(name: str, rnd: random.Random) -> str:
    """One keyboard slip: substitution, deletion, insertion (doubled letter) or transposition, never at the
    first letter (people rarely get that wrong)."""
    if len(name) < 2:  # a reordering cut the name to one letter ("I Made" → "I"): the slip doubles it
        return name + name
    for _ in range(8):
        i = rnd.randrange(1, len(name))
        if name[i].isalpha():
            break
    else:
        return name + name[-1]
    ch = name[i]
    kind = rnd.randrange(4)
    if kind == 0:
        options = _KEYBOARD_NEIGHBOURS.get(ch.lower(), "aeiou")
        new = options[rnd.randrange(len(options))]
        return name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1 :]
    if kind == 1 and len(name) > 3:
        return name[:i] + name[i + 1 :]
    if kind == 3 and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != ch:
        return name[:i] + name[i + 1] + ch + name[i + 2 :]
    return name[:i] + ch + name[i:]


def add_title(name: str, female: bool, muslim: bool, rnd: random.Random) -> str:
    roll = rnd.random()
    if muslim and roll < 0.5:
        return f"{rnd.choice(_MUSLIM_TITLES[female])} {name}"
    if roll < 0.7:
        return f"{name}, {rnd.choice(_SUFFIX_DEGREES)}"
    return f"{rnd.choice(_PREFIX_TITLES[female])} {name}"


def reorder(name: str, rnd: random.Random) -> str:
    """Drop or abbreviate the middle name, abbreviate the first name, put the surname first, or cut it."""
    parts = name.split(" ")
    if len(parts) < 2:
        return name
    options = ["surname_first", "initial_first", "drop_last"]
    if len(parts) >= 3:
        options += ["drop_middle", "initial_middle", "initials"]
    option = options[rnd.randrange(len(options))]
    if option == "surname_first":
        out = [parts[-1], *parts[:-1]]
    elif option == "initial_first":
        out = [parts[0][0] + ".", *parts[1:]]
    elif option == "drop_last":
        out = parts[:-1]
    elif option == "drop_middle":
        out = [parts[0], *parts[2:]]
    elif option == "initial_middle":
        out = [parts[0], parts[1][0] + ".", *parts[2:]]
    else:
        out = [p[0] + "." for p in parts[:-1]] + [parts[-1]]
    return " ".join(out)
