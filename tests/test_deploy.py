"""The sample deployment files name real commands, options and settings, so copying them works."""

import shlex
from pathlib import Path

import pytest

from research.cli import build_parser
from research.settings import setting_variables

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
# Variables the env file sets for Streamlit, numba and the model loader rather than for Frontline.
OTHER_VARIABLES = {"STREAMLIT_SERVER_COOKIE_SECRET", "NUMBA_CACHE_DIR", "HF_HUB_OFFLINE"}


def commands() -> list[tuple[str, str]]:
    found = []
    for unit in DEPLOY.glob("*.service"):
        found += [(unit.name, line.split("=", 1)[1]) for line in unit.read_text().splitlines()
                  if line.startswith("ExecStart=")]
    found += [("Procfile", line.split(":", 1)[1]) for line in (DEPLOY / "Procfile").read_text().splitlines() if line]
    return found


@pytest.mark.parametrize("source, command", commands())
def test_each_command_parses(source, command):
    words = shlex.split(command.replace("%i", "8501").replace("%H", "host").replace("$PORT", "8501"))
    assert Path(words[0]).name == "frontline", source
    args = build_parser().parse_args(words[1:])  # exits (and fails the test) on an unknown option
    assert args.command in ("serve", "worker")


def test_the_env_file_sets_only_known_variables():
    lines = [line for line in (DEPLOY / "frontline.env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    names = {line.split("=", 1)[0] for line in lines}
    assert "FRONTLINE_DATABASE_URL" in names
    assert names <= set(setting_variables()) | OTHER_VARIABLES
