"""Credentials are masked in any URI a log line or an error may carry (newsbot.store.mask)."""

from __future__ import annotations

import logging

import pytest

from newsbot.store.masking import MaskingFilter, mask, mask_uri

CASES = [
    # an unescaped "@" in the password: the userinfo ends at the authority's last "@"
    ("mongodb://u:p@ss@host/", "mongodb://u:***@host/"),
    ("mongodb://u:p@ss@w@rd@host:27017/db", "mongodb://u:***@host:27017/db"),
    # ":" inside the password: the password starts after the first ":"
    ("mongodb://u:p:ss@host/db", "mongodb://u:***@host/db"),
    # percent-encoded "@" and ":"
    ("mongodb://u:p%40ss%3Aw@host/", "mongodb://u:***@host/"),
    # several hosts, options
    ("mongodb://u:pw@h1:27017,h2:27018,h3/?replicaSet=rs&authSource=admin",
     "mongodb://u:***@h1:27017,h2:27018,h3/?replicaSet=rs&authSource=admin"),
    ("mongodb+srv://newsbot:s3cr3t@cluster0.example.net/haberler",
     "mongodb+srv://newsbot:***@cluster0.example.net/haberler"),
    # an unescaped "/" in the password (pymongo refuses it, but its error message quotes the URI)
    ("mongodb://u:pa/ss@host/db", "mongodb://u:***@host/db"),
    # redis URLs: password only, user and password, TLS
    ("redis://:s3cr3t@127.0.0.1:6379/0", "redis://:***@127.0.0.1:6379/0"),
    ("rediss://default:s3cr3t@redis.example:6380/1", "rediss://default:***@redis.example:6380/1"),
    # nothing secret: unchanged
    ("mongodb://newsbot@db.example/?authMechanism=MONGODB-X509", "mongodb://newsbot@db.example/?authMechanism=MONGODB-X509"),
    ("mongodb://db.example:27017/db?appName=a@b", "mongodb://db.example:27017/db?appName=a@b"),
    ("https://medium.com/@yazar/haber-123", "https://medium.com/@yazar/haber-123"),
    ("http://127.0.0.1:8080/@user", "http://127.0.0.1:8080/@user"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_mask_hides_the_password_of_any_uri(text, expected):
    assert mask(text) == expected
    assert mask_uri(text) == expected


def test_mask_finds_every_uri_in_a_line():
    line = "bad URI 'mongodb://a:p@1@h1/', fallback mongodb://b:q:2@h2/,redis://:r%403@h3/ failed"
    assert mask(line) == "bad URI 'mongodb://a:***@h1/', fallback mongodb://b:***@h2/,redis://:***@h3/ failed"


def test_configured_password_is_scrubbed_even_outside_a_uri(monkeypatch):
    monkeypatch.setenv("NEWSBOT_MONGO_URI", "mongodb://bob:p@ss:w0rd@db.example/")
    assert mask("authentication failed for p@ss:w0rd") == "authentication failed for ***"


def test_log_records_are_masked_when_the_uri_is_an_argument(monkeypatch):
    monkeypatch.delenv("NEWSBOT_MONGO_URI", raising=False)
    monkeypatch.delenv("MONGO_URI", raising=False)
    record = logging.LogRecord("newsbot", logging.WARNING, __file__, 1, "store %s unreachable",
                               ("mongodb://u:p@ss@host/",), None)
    assert MaskingFilter().filter(record)
    assert record.getMessage() == "store mongodb://u:***@host/ unreachable"
