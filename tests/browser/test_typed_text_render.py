"""In Chromium, typed links stay text: Markdown's bare-address links and Plotly's <a> tags are both stopped.

AppTest sees only the strings sent to the browser; whether remark-gfm turns an escaped ``https://`` into a link,
or Plotly an escaped ``<a href>`` into one, only the browser can say. A one-page Streamlit script renders a
caption through ``plain`` and a chart through ``inert_figure``, and the test counts the links drawn.
"""

import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import free_port, wait_for_app

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TYPED = ('Visit https://bonus.example.com/claim or www.bonus.example.com, mail kev@bonus.example.com, '
         '[Click](http://127.0.0.1:9/b) ![x](http://127.0.0.1:9/p.png)')
SCRIPT = textwrap.dedent(f"""
    import plotly.express as px
    import streamlit as st
    from frontline_ui.markdown import plain
    from research.findings.figures import inert_figure

    def chart():
        return px.bar(x=['<a href="http://127.0.0.1:9/a">Team A</a>', "Team B"], y=[3, 4],
                      title='<a href="http://127.0.0.1:9/t">Title</a>')

    st.caption(plain({TYPED!r}))
    st.plotly_chart(inert_figure(chart()), key="inert")
    # Controls, so the test can see a link when one is drawn: backslash escapes alone, and a raw figure.
    with st.container(key="control"):
        st.caption(r"Visit https\\://bonus\\.example\\.com/claim")
        st.plotly_chart(chart(), key="raw")
""")


@pytest.fixture
def typed_text_app(tmp_path):
    script = tmp_path / "typed.py"
    script.write_text(SCRIPT)
    port = free_port()
    env = {"PYTHONPATH": f"{REPO}:{REPO / 'app'}", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                                "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "streamlit did not start"
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_typed_addresses_and_tags_are_drawn_as_text(typed_text_app, page):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "127.0.0.1:9" in request.url else None)
    page.goto(typed_text_app)
    wait_for_app(page)
    control = page.locator(".st-key-control")
    expect(control.locator('[data-testid="stCaptionContainer"] a')).to_have_count(1)  # GFM links escaped text
    expect(page.locator(".js-plotly-plot .xtick")).not_to_have_count(0, timeout=30_000)  # Plotly loads lazily
    expect(control.locator(".js-plotly-plot a")).not_to_have_count(0)  # and Plotly draws a raw <a>
    caption = page.locator('[data-testid="stCaptionContainer"]').first
    assert caption.inner_text().replace("\u2060", "").strip() == TYPED  # read as typed
    assert caption.locator("a").count() == 0 and caption.locator("img").count() == 0
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_contain_text('<a href="http://127.0.0.1:9/a">Team A</a>')  # shown as typed
    assert chart.locator("a").count() == 0
    assert fetched == []
