"""The NLTK data Frontline needs, built from installed packages into its own directory.

NLTK 3.10 loads resources only from its data path, and `nltk.download()`
would reach the network; instead the VADER lexicon is copied out of the
installed vaderSentiment package into ``<data dir>/nltk_data`` in the layout
NLTK expects, and that directory is put first on NLTK's path.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

VADER_RESOURCE = "sentiment/vader_lexicon.zip"
VADER_MEMBER = "vader_lexicon/vader_lexicon.txt"


def vader_source() -> Path:
    import vaderSentiment

    return Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")


def ensure_nltk_data(nltk_dir: Path) -> Path:
    """Build the VADER lexicon under ``nltk_dir`` if missing, and register the directory with NLTK."""
    import nltk

    target = nltk_dir / VADER_RESOURCE
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so concurrent first uses never see half a zip.
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".zip.tmp")
        os.close(fd)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(vader_source(), VADER_MEMBER)
        os.replace(tmp, target)
    directory = str(nltk_dir)
    if directory not in nltk.data.path:
        nltk.data.path.insert(0, directory)
    return target
