"""What ``frontline serve`` runs: the Streamlit app (``main.py``) and the app's own HTTP routes.

Streamlit serves ``main.py`` as always; :mod:`frontline_ui.session_cookie` adds the
two routes that set and clear the staff session cookie with ``HttpOnly``, which a
page script cannot do, and :mod:`frontline_ui.compression` gzips the static files.
``streamlit run`` finds ``app`` below and serves it with
the same options as a plain script.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from frontline_ui.compression import StaticGzip
from frontline_ui.session_cookie import routes

app = st.App(Path(__file__).with_name("main.py"), routes=routes(), middleware=[Middleware(StaticGzip)])
