"""``python -m research.cli``: how the web app starts an analysis worker in a child process."""

import sys

from research.cli import main

sys.exit(main())
