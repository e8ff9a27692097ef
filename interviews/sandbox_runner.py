"""The web process's side of the sandbox's child: start it bare, give it the upload, time it, read its answer.

Only the calling session's script thread waits (in ``select`` and ``communicate``, without the GIL),
so everyone else's pages keep loading.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import struct
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from interviews.sandbox_child import READY
from interviews.sandbox_limits import Limits, label_of
from research.errors import FrontlineError

STARTUP_SECONDS = 60.0
"""How long the child may take to load its libraries before it reads the upload
(only a very busy machine needs more than a second or two)."""

_ROOT = str(Path(__file__).resolve().parents[1])
_PASSED_ON = {"PATH", "LANG", "TMPDIR", "HOME"}


class Stopped(FrontlineError):
    """The child was stopped (time, CPU) or died: maybe only a busy moment, so never cached."""


def run_child(kind: str, name: str, data: bytes, limits: Limits):
    """Start the child, let it load its libraries, then give it the bytes and ``wall_seconds`` to answer.

    The clock starts when the child says it is ready: loading the libraries reads nothing from the
    upload, and on a busy machine it alone can take seconds, which must not count against a real file.

    Raises:
        Stopped: the child took too long to start or to answer, ran out of CPU, or died.
        FrontlineError: the child's own one-line refusal.
    """
    header = json.dumps({"kind": kind, "name": name, "limits": asdict(limits)}).encode()
    label = label_of(name)
    child = subprocess.Popen([sys.executable, "-B", "-m", "interviews.sandbox_child"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(), cwd=_ROOT)
    stdin, stdout = child.stdin, child.stdout
    assert stdin is not None and stdout is not None  # both are pipes
    try:
        with contextlib.suppress(OSError):  # it died already: its exit status says so below
            stdin.write(struct.pack(">I", len(header)) + header)
            stdin.flush()
        ready, _, _ = select.select([stdout], [], [], STARTUP_SECONDS)
        if not ready:
            raise Stopped(f"{label} could not be read now: the server is too busy to start its reader; "
                          "try again in a minute.")
        if os.read(stdout.fileno(), 1) == READY:
            try:
                out, err = child.communicate(data, timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                raise Stopped(f"{label} took longer than {limits.wall_seconds:g} s to read and was stopped; "
                              "split it into smaller files.") from None
        else:
            out, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    return _answer(label, subprocess.CompletedProcess(child.args, child.returncode, out, err), limits)


def child_env() -> dict[str, str]:
    """A bare environment: no database URL or other secret reaches code that reads hostile bytes.

    The maths libraries get one thread each, since their thread pools eat address space.
    """
    env = {k: v for k, v in os.environ.items() if k in _PASSED_ON or k.startswith("LC_")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=_ROOT)
    return env


def _answer(label: str, done: subprocess.CompletedProcess, limits: Limits):
    """Turn the child's JSON (or its death) into the parsed value or one FrontlineError."""
    if done.returncode == -signal.SIGXCPU:
        raise Stopped(f"{label} needed more than {limits.cpu_seconds} s of processing to read and was "
                      "stopped; split it into smaller files.")
    try:
        reply = json.loads(done.stdout)
    except ValueError:
        reply = None
    if done.returncode != 0 or not isinstance(reply, dict):
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"status {done.returncode}"
        raise Stopped(f"{label} could not be read: the reader stopped ({how}); the file may be damaged.")
    if "error" in reply:
        raise FrontlineError(str(reply["error"]))
    return reply["value"]
