"""The analysis report file: typed periods, theme names and comments show as text, in tables and charts."""

import csv
import re

import pytest

from research.cli import main

LINK = '<a href="http://127.0.0.1:9/bonus">Oct</a>'
COMMENTS = ["The CRM freezes on every refund <img src=http://127.0.0.1:9/p.png>",
            "my team lead never backs us up", "we are understaffed every evening",
            f"customers shout at us about wrong bills {LINK}"]


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_markup_in_the_input_is_never_a_live_element_of_the_report(env):
    source = env / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["comment", "month"])
        writer.writerows([(text, LINK if i % 2 else "<b>Nov</b>") for i, text in enumerate(COMMENTS * 2)])
    report = env / "report.html"
    assert main(["analyze", str(source), "--text-column", "comment", "--time-column", "month",
                 "--out", str(env / "out.csv"), "--report", str(report)]) == 0
    page = report.read_text()
    outside_plotly = re.sub(r"<script[^>]*>(?:(?!</script>).){100000,}?</script>", "", page, flags=re.S)
    assert not re.search(r"<a[\s>]|<img[\s>]|<b>", outside_plotly, re.I)
    charts = "".join(re.findall(r"Plotly\.newPlot\((.*?)\)\s*};?", page, flags=re.S))
    assert "&lt;a href=" in charts  # the typed period is on the time axis, as text
