"""The plain texts every match of a regular expression contains, so that a cheap substring test can rule a
pattern out before the regex runs (chrome stripping tests tens of notice patterns on every short paragraph).

`required_keys(pattern)` reads the pattern's own text (no private `re` internals): literal runs, groups with
alternatives, quantifiers, escapes and character classes. It answers a tuple of keys, one of which every
match holds, or None when it cannot promise one (the pattern must then always run). It only has to be safe,
not complete: whatever it does not understand gives no key.
"""

from __future__ import annotations

# Escapes that stand for one literal character; every other escaped letter (\d, \w, \s, \b, …) is a class
# or an assertion, and an escaped digit a back-reference.
_ESCAPED_LITERALS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_ZERO_MIN = ("?", "*", "{0", "{,")


def required_keys(pattern: str) -> tuple[str, ...] | None:
    """Keys one of which every match of `pattern` contains, or None. The pattern is taken as compiled
    without flags; an inline flag ("(?i)") gives None."""
    try:
        alternatives, end = _parse_alternatives(pattern, 0)
    except _Unknown:
        return None
    if end != len(pattern):
        return None
    return _any_of(alternatives)


class _Unknown(Exception):
    """Syntax this reader does not follow: no key."""


def _any_of(alternatives: list[list[str] | None]) -> tuple[str, ...] | None:
    """One alternative's keys each, or None when an alternative has none."""
    keys: list[str] = []
    for alt in alternatives:
        if not alt:
            return None
        keys.extend(alt)
    return tuple(dict.fromkeys(keys))


def _best(candidates: list[tuple[str, ...]]) -> list[str] | None:
    """The most selective candidate: the one whose shortest key is longest."""
    candidates = [c for c in candidates if c and all(c)]
    if not candidates:
        return None
    return list(max(candidates, key=lambda c: min(len(k) for k in c)))


def _parse_alternatives(p: str, i: int) -> tuple[list[list[str] | None], int]:
    """Parse `a|b|…` from i up to an unmatched ")" or the end: each alternative's best keys."""
    alternatives = []
    while True:
        keys, i = _parse_sequence(p, i)
        alternatives.append(keys)
        if i < len(p) and p[i] == "|":
            i += 1
            continue
        return alternatives, i


def _quantifier(p: str, i: int) -> tuple[bool, int]:
    """(the atom may be absent, index after the quantifier) for a quantifier at i, else (False, i)."""
    if i >= len(p):
        return False, i
    ch = p[i]
    if ch in "?*+":
        j = i + 1
    elif ch == "{":
        close = p.find("}", i)
        body = p[i + 1:close] if close > 0 else ""
        if close < 0 or not body or not all(c.isdigit() or c == "," for c in body):
            return False, i  # a literal "{"
        j = close + 1
    else:
        return False, i
    optional = p.startswith(_ZERO_MIN, i)
    if j < len(p) and p[j] in "?+":  # lazy or possessive
        j += 1
    return optional, j


def _parse_sequence(p: str, i: int) -> tuple[list[str] | None, int]:
    """Parse one alternative: literal runs and groups; its best keys."""
    candidates: list[tuple[str, ...]] = []
    run = ""
    while i < len(p) and p[i] not in "|)":
        ch = p[i]
        literal: str | None = None
        group: tuple[str, ...] | None = None
        if ch == "\\":
            if i + 1 >= len(p):
                raise _Unknown
            nxt = p[i + 1]
            if nxt.isalnum():
                literal = _ESCAPED_LITERALS.get(nxt)  # \d, \w, \b, \1: no literal
            else:
                literal = nxt
            i += 2
        elif ch == "[":
            i = _class_end(p, i)
        elif ch == "(":
            i, group = _group(p, i)
        elif ch in ".^$":
            i += 1
        elif ch in "*+?" or (ch == "{" and _quantifier(p, i)[1] > i):
            raise _Unknown  # a quantifier with nothing before it
        else:
            literal = ch
            i += 1
        optional, after = _quantifier(p, i)
        quantified = after > i
        i = after
        if literal is not None and not quantified:
            run += literal
            continue
        # Anything but an unquantified literal ends the run; a literal needed at least once still counts.
        if literal is not None and not optional:
            run += literal
        if run:
            candidates.append((run,))
        run = ""
        if group and not optional:
            candidates.append(group)
    if run:
        candidates.append((run,))
    return _best(candidates), i


def _class_end(p: str, i: int) -> int:
    """Index after the character class starting at i ("[…]", "[^…]", "[]…]")."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p) and p[j] != "]":
        j += 2 if p[j] == "\\" else 1
    if j >= len(p):
        raise _Unknown
    return j + 1


def _group(p: str, i: int) -> tuple[int, tuple[str, ...] | None]:
    """(index after the group starting at i, the keys one of which the group's match holds)."""
    j = i + 1
    zero_width = False
    if p.startswith("?", j):
        if p.startswith("?:", j):
            j += 2
        elif p.startswith("?P<", j):
            j = p.index(">", j) + 1
        elif p.startswith(("?=", "?!"), j):
            j, zero_width = j + 2, True
        elif p.startswith(("?<=", "?<!"), j):
            j, zero_width = j + 3, True
        else:
            raise _Unknown  # inline flags, conditionals, comments
    alternatives, j = _parse_alternatives(p, j)
    if j >= len(p) or p[j] != ")":
        raise _Unknown
    return j + 1, None if zero_width else _any_of(alternatives)
