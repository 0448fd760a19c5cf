"""Signer.sign against the reference it replaced: datasketch's MinHash.update_batch over the UTF-8 of each
shingle tuple joined by spaces. Stored signatures from earlier crawls must keep matching new ones, so the
minhash values, the set size and the band keys must be identical for every text: real pages (tests/fixtures/turkish and
the shared trafilatura corpus), bench/site.py's articles, the syndication fixture set and edge cases."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from functools import cache

import lxml.html
import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from bench.site import SiteBuilder
from newsbot import text as text_mod
from newsbot.stories import Signature, Signer, StoryParams, story_text
from newsbot.text import fold, shingle_bytes, shingles, word_tuple
from tests.fixtures.syndication.generate import generate
from tests.plugin_sites import ROOT, SHARED, TURKISH_PAGES

TURKISH = TURKISH_PAGES
GENERAL = SHARED / "corpus" / "trafilatura"


@cache
def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) as datasketch's MinHashLSH chooses them (slow: it integrates; done once per shape)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.2, 0.8))
    return lsh.b, lsh.r


def reference_sign(paragraphs: list[str], params: StoryParams) -> Signature:
    """The signature as Signer.sign computed it before it stopped calling datasketch per shingle."""
    grams: set[tuple[str, ...]] = set()
    for para in paragraphs:
        grams |= shingles(para, params.shingle_size)
    mh = MinHash(num_perm=params.num_perm, seed=1, scheme="affine32")
    mh.update_batch([" ".join(g).encode("utf-8") for g in grams])
    values = mh.hashvalues.astype(np.uint32)
    b, r = lsh_shape(params.lsh_threshold, params.num_perm)
    bands = [f"{i}:{hashlib.blake2b(values[i * r:(i + 1) * r].tobytes(), digest_size=8).hexdigest()}"
             for i in range(b)] if len(grams) >= params.min_shingles else []
    return Signature(values, len(grams), bands)


def assert_same(got: Signature, want: Signature) -> None:
    assert got.minhash.dtype == np.uint32 and got.minhash.shape == want.minhash.shape
    assert np.array_equal(got.minhash, want.minhash)
    assert got.size == want.size
    assert got.bands == want.bands


def _html_paragraphs(data: bytes) -> list[str]:
    """A page's visible text, one paragraph per non-blank line: real, messy text (menus, scripts, many
    languages), which is what an extraction bug could hand the signer."""
    root = lxml.html.fromstring(data)
    return [line for line in root.text_content().splitlines() if line.strip()]


@cache
def turkish_articles() -> list[list[str]]:
    truth = json.loads((TURKISH / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for entry in truth.values():
        out.append(story_text(entry.get("summary") or "", entry["articleBody"].split("\n")))
        data = (TURKISH / entry["html"]).read_bytes()
        out.append(_html_paragraphs(gzip.decompress(data) if entry["html"].endswith(".gz") else data))
    return out


@cache
def general_pages() -> list[list[str]]:
    """Every 10th page of the trafilatura evaluation set."""
    data = json.loads((GENERAL / "evaldata.json").read_text(encoding="utf-8"))
    out = []
    for entry in list(data.values())[::10]:
        for folder in ("cache", "eval"):
            path = GENERAL / folder / (entry["file"] + ".gz")
            if path.exists():
                out.append(_html_paragraphs(gzip.decompress(path.read_bytes())))
                break
    return out


@cache
def bench_articles() -> list[list[str]]:
    return [story_text(s["lead"], s["body"]) for s in SiteBuilder(300).stories]


def syndication_copies() -> list[list[str]]:
    return [story_text(c["lead"], c["body"]) for c in generate()]


LONG = " ".join(f"Kelime{i % 997} İstanbul'da ılık IŞIK {i}." for i in range(6000))
EDGE_CASES = {
    "nothing": [],
    "empty paragraphs": ["", "", ""],
    "punctuation only": ["!!! ... ---", "“”’ ,;:", "«»"],
    "one word": ["Merhaba."],
    "three words": ["Bir iki üç."],
    "exactly four words": ["Bir iki üç dört."],
    "five words": ["Bir iki üç dört beş."],
    "short paragraphs only": ["Bir iki.", "Üç dört beş.", "Altı.", "Bir iki."],
    "short and long mixed": ["Kısa.", "Bu paragraf dört kelimeden çok daha uzun bir paragraftır.", "İki kelime",
                             "Bir başka uzun paragraf burada duruyor ve bitiyor.", "Son."],
    "repeated paragraphs": ["Aynı paragraf tekrar tekrar geliyor burada."] * 5,
    "repeated across short/long": ["Bir iki üç", "Bir iki üç dört", "bir İKİ üç"],
    "shingle repeated within": ["a b c d a b c d a b c d e"],
    "turkish dotted and dotless": ["İSTANBUL IĞDIR ılık İyi Işık", "istanbul ığdır ILIK iyi ışık", "I İ ı i"],
    "quotes and spaces": ["Bakan ‘açıklama’   yaptı\u00a0“dün” `bugün` ve «yarın»  dedi."],
    "digits and underscores": ["2026 yılı_bütçe 3.5 milyar 1_000 TL 42 kez"],
    "other scripts": ["Привет мир это тест строки", "مرحبا بالعالم هذا اختبار", "日本語 の テキスト です 本当に"],
    "combining characters": ["Cafe\u0301 de\u0301ja\u0300 vu nai\u0308ve ü ü",
                             "I\u0307stanbul I\u0307zmir ve diğerleri"],
    "separator-like characters": ["a\x00b c d e f", "tab\tand\nnewline\rand\x0bvertical\x0cfeed words"],
    "very long": [LONG],
    "very long, split": LONG.split(". "),
}


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer()


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_match_reference(signer, name):
    paragraphs = EDGE_CASES[name]
    assert_same(signer.sign(paragraphs), reference_sign(paragraphs, signer.params))


def test_empty_input_gives_the_empty_minhash(signer):
    sig = signer.sign([])
    assert sig.size == 0 and sig.bands == []
    assert np.array_equal(sig.minhash, np.full(128, 2**32 - 1, dtype=np.uint32))


@pytest.mark.parametrize("source", [
    "turkish", pytest.param("general", marks=pytest.mark.shared), "bench", "syndication"])
def test_real_texts_match_reference(signer, source):
    texts = {"turkish": turkish_articles, "general": general_pages, "bench": bench_articles,
             "syndication": syndication_copies}[source]()
    assert len(texts) >= 20
    for paragraphs in texts:
        assert_same(signer.sign(paragraphs), reference_sign(paragraphs, signer.params))
    assert sum(1 for p in texts if len(p) > 1) >= 10  # multi-paragraph texts are among them


@pytest.mark.parametrize("params", [
    StoryParams(shingle_size=1), StoryParams(shingle_size=2), StoryParams(shingle_size=3), StoryParams(shingle_size=5),
    StoryParams(num_perm=64, lsh_threshold=0.5), StoryParams(num_perm=256), StoryParams(min_shingles=1),
], ids=lambda p: f"n{p.shingle_size}-perm{p.num_perm}-lsh{p.lsh_threshold}-min{p.min_shingles}")
def test_other_parameters_match_reference(params):
    signer = Signer(params)
    for paragraphs in [*EDGE_CASES.values(), *turkish_articles()[:6], *bench_articles()[:20]]:
        assert_same(signer.sign(paragraphs), reference_sign(paragraphs, params))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 8])
def test_shingle_bytes_is_the_joined_shingles(n):
    for paragraphs in [*EDGE_CASES.values(), *turkish_articles(), *bench_articles()[:30]]:
        want = {" ".join(g).encode("utf-8") for p in paragraphs for g in shingles(p, n)}
        assert shingle_bytes(paragraphs, n) == want
        assert shingle_bytes(iter(paragraphs), n) == want  # any iterable, consumed once


def test_band_keys_of_a_slice_and_of_uint64_values_unchanged(signer):
    """band_keys is also called on values that sign() did not make (bench/syndication.py)."""
    rng = np.random.default_rng(3)
    for dtype in (np.uint32, np.uint64):
        values = rng.integers(0, 2**32 - 1, size=signer.params.num_perm, dtype=dtype)
        for v in (values, np.concatenate([values, values])[::2]):  # contiguous, and a strided view
            r = signer.rows
            want = [f"{i}:{hashlib.blake2b(v[i * r:(i + 1) * r].tobytes(), digest_size=8).hexdigest()}"
                    for i in range(signer.bands)]
            assert signer.band_keys(v) == want


def _cache_trace(run) -> list[tuple]:
    fold.cache_clear()
    word_tuple.cache_clear()
    run()
    return [fold.cache_info(), word_tuple.cache_info()]


def test_fold_and_word_tuple_caches_see_the_same_calls(signer):
    """sign() calls word_tuple once per paragraph, as shingles() did: same hits, misses, size and bounds."""
    texts = [*bench_articles()[:50], *EDGE_CASES.values(), *turkish_articles()[:4]]

    def old() -> None:
        for paragraphs in texts:
            reference_sign(paragraphs, signer.params)

    def new() -> None:
        for paragraphs in texts:
            signer.sign(paragraphs)

    want, got = _cache_trace(old), _cache_trace(new)
    assert got == want
    assert got[0].maxsize == text_mod._FOLD_CACHE == 2048 and got[1].maxsize == text_mod._TOKEN_CACHE == 512


def test_datasketch_not_imported_to_sign_with_the_default_settings():
    """Dedupe runs in the crawl process: signing with the default settings imports neither datasketch nor
    scipy (~50 MiB); the frozen (bands, rows) are what datasketch chooses."""
    code = ("import sys, newsbot.stories as s; s.Signer().sign(['bir iki üç dört beş altı yedi sekiz dokuz on'] * 3); "
            "assert 'datasketch' not in sys.modules and 'scipy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    from newsbot.stories import LSH_SHAPES

    for (threshold, num_perm), shape in LSH_SHAPES.items():
        assert lsh_shape(threshold, num_perm) == shape
