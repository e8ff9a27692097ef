"""The Dockerfile runs the steps the wheel test proves work, as a user other than root.

No image can be built here (no registry for the base image), so the file is read instead: its build, install,
migrate, serve and health-check steps are compared with :mod:`wheel_recipe`, the steps
``tests/browser/test_wheel.py`` runs, and its serve command is parsed by the real CLI parser.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path

import pytest
from wheel_recipe import BUILD_WHEEL, HEALTH_PATH, HEALTHY, INSTALL, MIGRATE, SERVE, SOURCES, WHEEL_GLOB

from research.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(keyword.upper(), rest.strip()) for keyword, _, rest in
            (line.strip().partition(" ") for line in joined.splitlines() if line.strip())]


def words(arguments: str) -> list[str]:
    """An instruction's arguments as words: the exec (JSON) form, or the shell form split as sh would."""
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)


def contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    return any(tuple(haystack[i:i + len(needle)]) == needle for i in range(len(haystack)))


@pytest.fixture(scope="module")
def steps() -> list[tuple[str, str]]:
    return instructions((ROOT / "Dockerfile").read_text())


def final_stage(steps):
    start = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[start:]


def args(steps) -> dict[str, str]:
    return dict(value.split("=", 1) for keyword, value in steps if keyword == "ARG" and "=" in value)


def test_the_build_stage_copies_the_wheels_sources_and_builds_it_as_the_test_does(steps):
    copied = {word.rstrip("/") for keyword, value in steps if keyword == "COPY" and "--from" not in value
              for word in words(value)[:-1]}
    assert copied == set(SOURCES)
    builds = [words(value) for keyword, value in steps if keyword == "RUN" and contains(words(value), BUILD_WHEEL)]
    assert len(builds) == 1 and "-w" in builds[0]


def test_torch_comes_first_from_the_cpu_index_at_the_makefiles_version(steps):
    final = final_stage(steps)
    runs = [words(value) for keyword, value in final if keyword == "RUN"]
    installs = [i for i, run in enumerate(runs) if contains(run, INSTALL)]
    torch, wheel = installs[0], installs[1]
    assert "${TORCH_SPEC}" in runs[torch] and "--index-url" in runs[torch] and "${TORCH_INDEX}" in runs[torch]
    makefile = re.search(r"^TORCH_SPEC \?= (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert args(final)["TORCH_SPEC"] == makefile.group(1)
    assert args(final)["TORCH_INDEX"].startswith("https://download.pytorch.org/whl/cpu")
    assert any(fnmatch.fnmatch(Path(word).name, WHEEL_GLOB) for word in runs[wheel])


def test_it_migrates_then_serves_on_every_interface_with_options_the_cli_knows(steps):
    final = dict(final_stage(steps))  # the last of each instruction is the one that counts
    entry, command = words(final["ENTRYPOINT"]), words(final["CMD"])
    assert entry[:2] == ["sh", "-c"] and entry[2] == f'{shlex.join(MIGRATE)} && exec "$@"'
    assert tuple(command[: len(SERVE)]) == SERVE
    parsed = build_parser().parse_args(command[1:])  # exits (and fails the test) on an unknown option
    assert (parsed.command, parsed.address, parsed.port) == ("serve", "0.0.0.0", 8501)
    assert final["EXPOSE"] == str(parsed.port)
    health = final["HEALTHCHECK"]
    assert f"http://127.0.0.1:{parsed.port}{HEALTH_PATH}" in health and f"b'{HEALTHY}'" in health


def test_it_runs_as_a_user_made_for_it_with_its_data_in_a_volume(steps):
    final = final_stage(steps)
    users = [value for keyword, value in final if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(keyword == "RUN" and "useradd" in value and users[-1] in words(value) for keyword, value in final)
    env = dict(item.split("=", 1) for keyword, value in final if keyword == "ENV" for item in shlex.split(value))
    volumes = [v for keyword, value in final if keyword == "VOLUME" for v in words(value)]
    assert env["FRONTLINE_DATA_DIR"] in volumes
    last = [keyword for keyword, _ in final]
    assert max(i for i, k in enumerate(last) if k == "USER") < last.index("CMD")


def test_the_build_context_leaves_out_the_checkouts_clutter_but_not_the_sources():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert {".git", ".venv", "tests"} <= set(patterns)
    assert not [s for s in SOURCES for p in patterns if fnmatch.fnmatch(s, p)]
