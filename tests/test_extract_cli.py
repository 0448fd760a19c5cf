"""`python -m newsbot extract` (pipelines/extract_cli.py): by default what a crawl stores of a page — chrome
stripped, `text` rebuilt — and with --raw extraction's fields before any pipeline stage; bad input is one line."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import urllib.request

import pytest

from newsbot.demo.server import DEMO_SITE
from pipelines.extract_cli import main as extract_main
from tests.plugin_sites import ROOT, TURKISH_PAGES

BASE = "http://127.0.0.1:8000"
SEED = DEMO_SITE / "haber" / "kuzey-kore-lideri-kim-rusya-disisleri-bakani-lavrovu-agirladi-3664.html"
URL = "http://kent.example/gundem/talasta-yeni-park-acildi-1234.html"
P1 = ("Talas Belediyesi, Mevlana Mahallesi'nde yapımı tamamlanan 12 bin metrekarelik parkı düzenlenen törenle "
      "hizmete açtı. Törene mahalle sakinleri ve çok sayıda çocuk katıldı.")
P2 = ("Parkta yürüyüş yolları, çocuk oyun alanları, spor aletleri ve bir kafeterya bulunuyor. Belediye Başkanı, "
      "parkın ilçenin en büyük yeşil alanlarından biri olacağını söyledi.")
COOKIES = "Sitemizde çerezler kullanılmaktadır. Ayrıntılı bilgi için çerez politikamızı inceleyebilirsiniz."
APP = "Kent Haber uygulamasını hemen indirin"  # this site's own line: only an extra phrase file names it
TRAILER = "Haber Kaynağı: İHA"


def _page(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return ('<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>Talas\'ta yeni park açıldı - Kent '
            'Haber</title></head><body><header><a href="/">Kent Haber</a><nav><a href="/gundem/">Gündem</a> '
            '<a href="/spor/">Spor</a></nav></header>'
            f"<article><h1>Talas'ta yeni park açıldı</h1>{body}</article><footer>© 2025 Kent Haber</footer>"
            "</body></html>")


def _run(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = extract_main(list(args))
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out else None), captured.err


@pytest.fixture
def article_page(tmp_path):
    path = tmp_path / "park.html"
    path.write_text(_page(P1, COOKIES, P2, APP, TRAILER), encoding="utf-8")
    return path


def test_default_is_the_stored_view_and_raw_the_extraction(article_page, capsys):
    code, raw, _ = _run(capsys, str(article_page), "--url", URL, "--raw")
    assert code == 0 and raw["body"] == [P1, COOKIES, P2, APP, TRAILER]  # extraction keeps the chrome lines
    code, stored, err = _run(capsys, str(article_page), "--url", URL)
    assert code == 0, err
    assert stored["body"] == [P1, P2, APP]  # the cookie notice and the source trailer are chrome
    assert stored["text"] == P1 + "\n\n" + P2 + "\n\n" + APP
    assert stored["agency"] == "İHA" and stored["site"] == "kent.example" and stored["url"] == URL
    assert stored["content_hash"] != raw["content_hash"]  # of the stored body, as the crawl's validation makes it


def test_extra_chrome_file_is_applied_like_the_crawl_setting(article_page, tmp_path, capsys):
    extra = tmp_path / "kent.txt"
    extra.write_text(f"[drop]\n{APP}\n", encoding="utf-8")
    code, stored, err = _run(capsys, str(article_page), "--url", URL, "--chrome", str(extra))
    assert code == 0, err
    assert stored["body"] == [P1, P2]


def test_stored_view_is_what_a_crawl_stores(demo_site, crawl, tmp_path, capsys):
    """Each page of the demo site, fetched and given to the command, comes out as the crawl stored it
    (learned per-site chrome off: the command leaves that stage out)."""
    result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}", settings={"NEWSBOT_LEARN_CHROME": "False"})
    assert result.returncode == 0, result.log[-2000:]
    assert len(result.items) == 3
    changed = 0
    for n, item in enumerate(result.items):
        path = tmp_path / f"page{n}.html"
        with urllib.request.urlopen(item["url"], timeout=10) as response:  # the page as the crawl got it
            path.write_bytes(response.read())
        code, shown, err = _run(capsys, str(path), "--url", item["url"])
        assert code == 0, err
        for key in ("title", "lead", "body", "text", "agency", "editor", "published_at", "category", "tags",
                    "canonical_url", "content_hash", "site"):
            assert shown[key] == item[key], (item["url"], key)
        _, raw, _ = _run(capsys, str(path), "--url", item["url"], "--raw")
        changed += raw["body"] != item["body"]
    assert changed  # stripping changed some page: the command's default is not extraction alone


def test_a_page_a_crawl_would_not_store_is_one_line_exit_1(tmp_path, capsys):
    path = tmp_path / "gone.html"
    path.write_text('<!DOCTYPE html><html lang="tr"><head><title>Sayfa bulunamadı - Kent Haber</title></head><body>'
                    "<h1>Aradığınız sayfa bulunamadı</h1><p>Haber yayından kaldırılmış olabilir.</p></body></html>",
                    encoding="utf-8")
    code, shown, err = _run(capsys, str(path), "--url", URL)
    assert (code, shown) == (1, None)
    assert err.startswith("newsbot extract: a crawl would not store") and "not_article/soft_404" in err
    assert err.count("\n") == 1
    code, raw, _ = _run(capsys, str(path), "--url", URL, "--raw")
    assert code == 0 and raw["page_kind"] == "soft_404"


def test_extract_cli_on_gzipped_page(tmp_path, capsys):
    html = SEED.read_text(encoding="utf-8").replace("{{BASE}}", BASE)
    path = tmp_path / "seed.html.gz"
    path.write_bytes(gzip.compress(html.encode("utf-8")))
    assert extract_main([str(path), "--url", f"{BASE}/haber/{SEED.name}"]) == 0
    out = capsys.readouterr().out
    assert "Dışişleri Bakanı Lavrov’u" in out  # ensure_ascii=False
    data = json.loads(out)
    assert data["published_at"] == "2025-07-12T17:12:00+03:00" and data["category"] == "Siyaset"


def test_extract_cli_through_python_m_newsbot():
    page_gz = TURKISH_PAGES / "fundus" / "current" / "AnadoluAjansi_2025_04_05.html.gz"
    url = "https://www.aa.com.tr/tr/ekonomi/turkiyede-elektrikli-arac-sarj-istasyonu-sayisi-11-bini-asti/3529015"
    proc = subprocess.run([sys.executable, "-m", "newsbot", "extract", str(page_gz), "--url", url],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["published_at"] == "2025-04-05" and data["authors"] == ["Sehernur Karsu"]


@pytest.mark.parametrize("args", [
    ["/nonexistent/page.html", "--url", "http://e.com/a"],  # no such file
    ["page.html"],  # no --url
    [],
    ["{binary}", "--url", "http://e.com/a"],  # a PNG
    ["{page}", "--url", "http://e.com/a", "--chrome", "/nonexistent/extra.toml"],  # a missing phrase file
    ["{page}", "--url", "http://e.com/a", "--source", "nosuchsource"],
])
def test_extract_cli_errors_are_one_line_exit_2(args, tmp_path, capsys):
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    page = tmp_path / "page.html"
    page.write_text(_page(P1, P2), encoding="utf-8")
    args = [a.format(binary=binary, page=page) for a in args]
    assert extract_main(args) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("newsbot extract:") and captured.err.count("\n") == 1 and not captured.out
