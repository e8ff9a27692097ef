"""What one sandboxed parse may use, and the names both sides of the sandbox share.

Standard library only: the child process loads this before it reads a byte of the upload.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 2**20
KINDS = ("transcript", "csv", "qdpx", "codebook", "roster")
ZIP_KINDS = {"qdpx"}  # plus a transcript named .docx
MAX_ZIP_MEMBERS = 10_000
MAX_XML_DEPTH = 100  # REFI-QDA nests Project/CodeBook/Codes/Code/Code...; a hundred levels is no real codebook


@dataclass(frozen=True)
class Limits:
    """What one parse may use. The defaults fit a 2-core server and any real interview file.

    Attributes:
        wall_seconds: the parent kills the child this long after it has loaded its libraries, whatever it is doing
            (with loading, about a second on an idle server, a refusal comes well within 10 s).
        cpu_seconds: the child's own CPU limit (the kernel stops it with SIGXCPU).
        memory_bytes: the child's address-space limit; Python and its libraries take about 360 MB of it.
        max_unpacked_bytes: no zip member, nor all together, may inflate to more than this.
        max_unpack_ratio: nor to more than this many times its compressed size...
        min_unpacked_allowance: ...except that anything may inflate to this much (tiny, very regular XML parts).
    """

    wall_seconds: float = 6.0
    cpu_seconds: int = 6
    memory_bytes: int = 1536 * MIB
    max_unpacked_bytes: int = 100 * MIB
    max_unpack_ratio: int = 100
    min_unpacked_allowance: int = 1 * MIB


LIMITS = Limits()


def base_name(name: str) -> str:
    """An uploaded file's base name, the only part of its name a message shows."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def label_of(name: str) -> str:
    """The file as a refusal names it: its base name in quotes."""
    return f'"{base_name(name)}"'
