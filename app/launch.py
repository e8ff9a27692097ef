"""Starts Streamlit for ``frontline serve``: ``streamlit run`` with the automatic page list switched off.

Streamlit decides once per process, when its first session starts, whether the
app is an old-style multipage app: if a ``pages/`` folder sits beside the main
script, every run executes that folder as an automatic sidebar list of file
names (``account``, ``actions_record`` ...) instead of ``main.py``, until some
run of ``main.py`` calls ``st.navigation``. Right after a server start, a
staff URL (``/interview_notes``) or an agent link opened first therefore
showed internal page names and skipped ``main.py``'s checks. ``app/pages`` is
only ever ``st.navigation``'s, so the flag is settled to "no" before any
session exists. (``client.showSidebarNavigation = false`` is no remedy: in
Streamlit 1.67 it hides ``st.navigation``'s sidebar menu too.)

Usage, as ``research/cli/serve.py`` runs it: ``python launch.py run MAIN.py [streamlit options]``.
"""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web.cli import main

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.exit(main())
