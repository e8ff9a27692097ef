"""Keep the program off the network at run time.

Hugging Face libraries download models and metadata unless told not to; these
switches make any such attempt fail fast instead of hanging or leaking. They are
set, not defaulted, because offline operation is a promise, not a preference.
"""

from __future__ import annotations

import os

OFFLINE_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def enforce_offline() -> None:
    """Set the hub libraries' offline switches in this process and its children."""
    os.environ.update(OFFLINE_SWITCHES)
