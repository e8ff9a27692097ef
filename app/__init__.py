"""Frontline's Streamlit app, installed as the package ``frontline_app`` (see setup.py).

Streamlit runs ``main.py`` and the pages as scripts; nothing imports this package. It is a
package so the wheel carries it and ``frontline serve`` can find ``main.py`` wherever Frontline
is installed.
"""
