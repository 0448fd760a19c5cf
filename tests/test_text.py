"""newsbot.text: the fast folding/tokenising paths give the results of the plain definitions."""

from __future__ import annotations

import re
import unicodedata

from newsbot import text
from newsbot.text import fold, fold_chars, letter_words, normalize_space, same_text, word_tuple, words

_TR_UPPER = str.maketrans({"I": "ı", "İ": "i"})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


# The plain definitions (as they were before the fast paths).
def _ref_normalize_space(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\xa0", " ")).strip()


def _ref_fold(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    return _ref_normalize_space(value.translate(_TR_UPPER).lower().translate(_QUOTES))


def _ref_fold_chars(value: str) -> str:
    out = []
    for ch in value.translate(_TR_UPPER):
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out).translate(_QUOTES)


SAMPLES = [
    "", " ", "İSTANBUL’da IŞIK", "ÇOK OKUNAN HABERLER3664", "«Alıntı» “tırnak” „alt” ‘tek’ `ters´",
    "a\xa0\u2003b\t\n c\u3000", "ΟΔΟΣ Σ ΣΑ", "straße ﬁ İi Iı", "e\u0301 é", "(DHA)", "Kaynak: IHA / Editör: X",
]


def test_fast_paths_equal_the_definitions_on_samples():
    for sample in SAMPLES:
        assert normalize_space(sample) == _ref_normalize_space(sample), sample
        assert fold(sample) == _ref_fold(sample), sample
        assert fold_chars(sample) == _ref_fold_chars(sample), sample
        assert len(fold_chars(sample)) == len(sample)


def test_fast_paths_equal_the_definitions_on_every_character():
    # One string per block of code points, each character alone and between letters and spaces.
    chars = [chr(i) for i in range(0x30000) if not 0xD800 <= i < 0xE000]
    for start in range(0, len(chars), 4096):
        block = chars[start:start + 4096]
        for sample in ("".join(block), " x".join(block), "".join(c + c for c in block)):
            assert normalize_space(sample) == _ref_normalize_space(sample)
            assert fold(sample) == _ref_fold(sample)
            assert fold_chars(sample) == _ref_fold_chars(sample)


def test_words_are_fresh_lists_and_memo_is_bounded():
    first = words("Bir İki ÜÇ")
    assert first == ["bir", "iki", "üç"]
    first.append("changed")  # a caller changing its list does not change the memo
    assert words("Bir İki ÜÇ") == ["bir", "iki", "üç"]
    assert word_tuple("Bir İki ÜÇ") == ("bir", "iki", "üç")
    assert letter_words("HABERLER3664 x_y") == ["haberler", "x", "y"]
    assert same_text("İSTANBUL, haberi.", "istanbul haberi") and not same_text("", "")
    for memo in (text.fold, text.word_tuple, text.letter_tuple):
        assert memo.cache_info().maxsize is not None and memo.cache_info().maxsize <= 16384
