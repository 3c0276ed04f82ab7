"""Responses compressed, static files under content-hashed URLs cached for a year."""

import gzip
import hashlib
import re
from pathlib import Path

from trivsel.core import resources

STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def static_urls(page):
    return STATIC.findall(page)


def test_every_static_url_carries_the_hash_of_its_content(client):
    urls = static_urls(client.get("/login").get_data(as_text=True))
    assert urls, "the login page links its stylesheet and scripts"
    for url in urls:
        path, _, query = url.partition("?v=")
        content = (resources.PACKAGE / path.removeprefix("/")).read_bytes()
        assert query == hashlib.sha256(content).hexdigest()[:12], url


def test_a_hashed_static_file_is_kept_for_a_year(client):
    url = static_urls(client.get("/login").get_data(as_text=True))[0]
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_stale_or_missing_hash_is_not_cached_for_long(client):
    url = static_urls(client.get("/login").get_data(as_text=True))[0]
    path = url.partition("?")[0]
    for stale in (path, f"{path}?v=000000000000"):
        with client.get(stale) as response:
            assert response.status_code == 200
            assert "immutable" not in response.headers.get("Cache-Control", "")


def test_pages_are_compressed_for_a_browser_that_asks(client, auth, users):
    auth.login(users["coordinator"])
    plain = client.get("/dashboard")
    packed = client.get("/dashboard", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data).decode().count("<h1") == plain.get_data(as_text=True).count(
        "<h1"
    )
    assert len(packed.data) < len(plain.data)
    brotli = client.get("/dashboard", headers={"Accept-Encoding": "br, gzip"})
    assert brotli.headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in plain.headers


def test_stylesheet_and_scripts_are_compressed(client):
    for url in static_urls(client.get("/login").get_data(as_text=True)):
        if Path(url.partition("?")[0]).suffix in (".css", ".js"):
            with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
                assert response.headers.get("Content-Encoding") == "gzip", url
