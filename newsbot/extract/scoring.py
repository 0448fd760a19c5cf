"""Body-extraction score as in the Zyte article-extraction-benchmark (AEB).

Tokens are `\\w+` matches over the text; shingles are 4 consecutive tokens counted as a multiset.
tp = sum of the smaller count per shingle; fp / fn = the predicted / expected excess.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
SHINGLE_N = 4


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = SHINGLE_N) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n is one shingle (as AEB does)."""
    toks = tokens(text)
    if not toks:
        return Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)))


def score(expected: str, predicted: str, n: int = SHINGLE_N) -> Score:
    """Precision / recall / F1 of predicted text against the expected text."""
    want, got = shingles(expected, n), shingles(predicted, n)
    tp = sum(min(c, got[k]) for k, c in want.items())
    fn = sum(want.values()) - tp
    fp = sum(got.values()) - tp
    if not want and not got:  # nothing expected, nothing given: a perfect (empty) answer
        return Score(1.0, 1.0, 1.0, 0, 0, 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, tp, fp, fn)


def score_body(expected: str, paragraphs: list[str], n: int = SHINGLE_N) -> Score:
    """Score an extracted body (list of paragraphs) against a ground-truth body string."""
    return score(expected, "\n".join(paragraphs), n)
