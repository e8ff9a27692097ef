"""A real `frontline serve` sends Streamlit's static files gzipped, and nothing else (an agent's first visit on a
phone downloaded 2.9 MB uncompressed)."""

import gzip
import re
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def fetch(url: str, encoding: str) -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_static_files_come_gzipped_to_a_browser_that_accepts_it_and_other_responses_do_not(server):
    _, page = fetch(server.url + "/", "gzip")
    scripts = re.findall(rb'src="\.?/?(static/js/[^"]+\.js)"', page)
    assert scripts
    url = f"{server.url}/{scripts[0].decode()}"
    plain_headers, plain_body = fetch(url, "identity")
    headers, body = fetch(url, "gzip")
    assert "content-encoding" not in plain_headers
    assert headers["content-encoding"] == "gzip" and "accept-encoding" in headers["vary"].lower()
    assert gzip.decompress(body) == plain_body and len(body) < len(plain_body) / 2
    for path in ("/", "/_stcore/host-config"):  # the page and the app's answers are never compressed
        assert "content-encoding" not in fetch(server.url + path, "gzip")[0]
