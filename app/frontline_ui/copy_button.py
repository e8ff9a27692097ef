"""A visible "Copy" button for a code the agent must keep, such as the receipt.

Streamlit's code block has a copy icon, but it appears only on hover or tap, and
agents on phones did not find it. This tiny component (``st.components.v2``: in
the page, no iframe) copies with the Clipboard API and, where that is refused
(a plain-HTTP address that is not localhost), by selecting a hidden copy of the
text; it says in words whether the copy worked, for sighted and screen-reader
users alike.
"""

from __future__ import annotations

import streamlit as st

_HTML = '<button type="button">Copy the code</button> <span role="status" aria-live="polite"></span>'
_CSS = """
button { font: inherit; padding: 0.4rem 0.9rem; border-radius: 0.5rem; border: 1px solid #6b6b73;
         background: #ffffff; color: #262730; cursor: pointer; min-height: 44px; }
button:focus-visible { outline: 2px solid #1c6bd0; outline-offset: 2px; }
span { margin-left: 0.5rem; color: #262730; }
"""
_JS = """
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector("button");
  const status = parentElement.querySelector("span");
  button.onclick = async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(data.text);
      copied = true;
    } catch (e) {
      const hidden = document.createElement("textarea");
      hidden.value = data.text;
      hidden.setAttribute("readonly", "");
      hidden.style.position = "fixed";
      hidden.style.opacity = "0";
      document.body.appendChild(hidden);
      hidden.select();
      try { copied = document.execCommand("copy"); } catch (e2) { copied = false; }
      hidden.remove();
    }
    status.textContent = copied ? "Copied." : "Could not copy: select the code above and copy it.";
  };
}
"""

_component = st.components.v2.component("frontline.copy_button", html=_HTML, css=_CSS, js=_JS)


def copy_button(text: str, *, key: str) -> None:
    """Draw a button that copies ``text`` (never shown by the button itself) to the clipboard."""
    _component(key=key, data={"text": text})
