"""The sandbox's child process (``python -m interviews.sandbox_child``): limit itself, then parse and answer.

It reads a length-prefixed JSON header (kind, name, limits) from stdin, loads what that kind
needs, caps its own address space, CPU time and file writes, says it is ready (one byte), then
reads the upload and writes one JSON reply: ``{"value": ...}`` or ``{"error": "one line"}``.
Only the standard library and the parsers it needs are loaded; no database code.
"""

from __future__ import annotations

import importlib
import json
import math
import struct
import sys
import time

from interviews.sandbox_limits import MIB, Limits, label_of
from interviews.sandbox_parsers import MODULES, parse
from research.errors import FrontlineError

READY = b"R"
"""The byte the child writes once its libraries are loaded and its limits set; the parent's clock starts then."""


def limit_self(limits: Limits) -> None:
    """Cap this process before it touches the upload; the kernel enforces these, not Python."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    spent = math.ceil(time.process_time())  # loading the libraries; the upload's own budget starts now
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds + spent, limits.cpu_seconds + spent + 2))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the parser has no business writing files
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> int:
    """Serve one parse over stdin and stdout; every failure is a one-line error in the reply."""
    raw = sys.stdin.buffer
    size = struct.unpack(">I", raw.read(4))[0]
    header = json.loads(raw.read(size))
    limits = Limits(**header["limits"])
    for module in MODULES.get(header["kind"], ()):
        importlib.import_module(module)
    limit_self(limits)
    sys.stdout.buffer.write(READY)
    sys.stdout.buffer.flush()
    data = raw.read()
    label = label_of(header["name"])
    try:
        reply = {"value": parse(header["kind"], header["name"], data, limits)}
    except FrontlineError as exc:
        reply = {"error": _memory_message(label, limits) if isinstance(exc.__cause__, MemoryError) else str(exc)}
    except MemoryError:
        reply = {"error": _memory_message(label, limits)}
    except Exception as exc:  # noqa: BLE001 - a parser bug on hostile input is still a one-line refusal
        reply = {"error": f"{label} could not be read ({type(exc).__name__}); the file may be damaged."}
    sys.stdout.write(json.dumps(reply))
    return 0


def _memory_message(label: str, limits: Limits) -> str:
    return (f"{label} needed more than {limits.memory_bytes // MIB} MB of memory to read and was stopped; "
            "split it into smaller files.")


if __name__ == "__main__":
    sys.exit(main())
