"""Canonical URLs: one identity per article URL, and one request per article."""

from __future__ import annotations

import pytest
from scrapy import Request

from newsbot.urls import CanonicalRequestFingerprinter, canonical_url

BASE = "https://www.ornekhaber.com.tr/gundem/valilikten-yagis-uyarisi-3663"


@pytest.mark.parametrize("variant", [
    BASE,
    BASE + "/",
    BASE + "?utm_source=rss&utm_medium=feed&utm_campaign=x",
    BASE + "?fbclid=IwAR0abc",
    BASE + "?gclid=xyz&yclid=1&msclkid=2&igshid=3&mc_cid=4&_ga=5",
    BASE + "#yorumlar",
    "https://www.ornekhaber.com.tr:443/gundem/valilikten-yagis-uyarisi-3663",
    "HTTPS://WWW.ORNEKHABER.COM.TR/gundem/valilikten-yagis-uyarisi-3663",
    "https://m.ornekhaber.com.tr/gundem/valilikten-yagis-uyarisi-3663",
    "https://mobil.ornekhaber.com.tr/gundem/valilikten-yagis-uyarisi-3663/",
    "https://amp.ornekhaber.com.tr/gundem/valilikten-yagis-uyarisi-3663",
    "https://www.ornekhaber.com.tr/amp/gundem/valilikten-yagis-uyarisi-3663",
    "https://www.ornekhaber.com.tr/gundem/valilikten-yagis-uyarisi-3663/amp/",
    BASE + "?amp",
    BASE + "?amp=1&utm_source=twitter",
    BASE + "?outputType=amp",
    "https://ornekhaber.com.tr/gundem/valilikten-yagis-uyarisi-3663",
])
def test_variants_share_one_canonical_form(variant):
    assert canonical_url(variant) == "https://ornekhaber.com.tr/gundem/valilikten-yagis-uyarisi-3663"


def test_identity_parameters_are_kept_and_sorted():
    assert canonical_url("https://site.com/haber.php?page=2&id=123&utm_term=a") == "https://site.com/haber.php?id=123&page=2"


def test_amp_suffix_before_extension():
    assert canonical_url("http://site.com/haber/x-123.amp.html") == "http://site.com/haber/x-123.html"


def test_turkish_characters_and_escapes_normalised():
    assert canonical_url("https://site.com/haber/çığ-düştü") == canonical_url("https://site.com/haber/%C3%A7%C4%B1%C4%9F-d%C3%BC%C5%9Ft%C3%BC")


def test_other_ports_ip_hosts_and_roots_left_alone():
    assert canonical_url("http://127.0.0.1:8080/haber/a-1.html?utm_medium=feed") == "http://127.0.0.1:8080/haber/a-1.html"
    assert canonical_url("https://site.com:8443/x/") == "https://site.com:8443/x"
    assert canonical_url("https://site.com") == "https://site.com/"
    assert canonical_url("https://m.co/x") == "https://m.co/x"  # a two-label host keeps its name


def test_non_http_and_empty_pass_through():
    assert canonical_url("mailto:a@b.c") == "mailto:a@b.c"
    assert canonical_url("") == ""


def test_idempotent():
    for url in ["https://m.site.com/amp/a/b/?utm_source=x&b=2&a=1#f", "http://site.com/x.amp.html?amp"]:
        once = canonical_url(url)
        assert canonical_url(once) == once


def test_fingerprint_uses_canonical_url():
    fp = CanonicalRequestFingerprinter()
    plain = fp.fingerprint(Request(BASE))
    assert fp.fingerprint(Request(BASE + "?utm_source=rss#x")) == plain
    assert fp.fingerprint(Request("https://m.ornekhaber.com.tr/amp/gundem/valilikten-yagis-uyarisi-3663")) == plain
    assert fp.fingerprint(Request(BASE + "-2")) != plain
