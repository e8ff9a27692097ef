"""Accessibility repairs Streamlit's own markup needs (checked by axe-core in tests/browser/test_accessibility.py).

Streamlit 1.67 draws a sectioned menu as ``<ul>`` > ``<div>`` (one per section)
> ``<header>`` + ``<li>``: a list whose children are not list items, and list
items outside a list, so screen readers announce neither the sections nor the
number of pages. :func:`repair_sidebar_menu` gives the markup the structure it
means: the outer ``<ul>`` becomes presentational, each section a list named after
its heading (the visible heading is then hidden from assistive technology so it
is not read twice). A MutationObserver re-applies it whenever React redraws the menu.

On a phone the opened menu covers the page, and Streamlit 1.67 leaves it open after a page is chosen, so the
page asked for stayed hidden behind it: the same script folds the menu after a choice on a narrow screen.

:func:`phone_friendly_form` is for the agents' page, answered mostly on phones: each choice of a scale was drawn
33 by 22 pixels and buttons and boxes 36 to 40 tall, under the 44 that touch guidelines ask for, and the share
box, a text box (a number box turned "abc" into a number), opened the full keyboard rather than the digits
(outside walks).
"""

from __future__ import annotations

import streamlit as st

_JS = """
const NARROW = 768;  // where the opened menu covers the page rather than sitting beside it

export default function () {
  const repair = () => {
    const menu = document.querySelector('[data-testid="stSidebarNavItems"]');
    if (!menu) return;
    if (menu.getAttribute("role") !== "none") menu.setAttribute("role", "none");
    for (const section of menu.querySelectorAll(":scope > div")) {
      const heading = section.querySelector(":scope > header");
      if (section.getAttribute("role") !== "list") section.setAttribute("role", "list");
      if (heading) {
        const name = (heading.querySelector("p") || heading).textContent.trim();
        if (section.getAttribute("aria-label") !== name) section.setAttribute("aria-label", name);
        if (heading.getAttribute("aria-hidden") !== "true") heading.setAttribute("aria-hidden", "true");
      }
    }
  };
  repair();
  if (!window.__frontlinePhoneMenu) {
    window.__frontlinePhoneMenu = true;
    document.addEventListener("click", (event) => {
      if (window.innerWidth > NARROW || !event.target.closest('[data-testid="stSidebarNav"] a')) return;
      const fold = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (fold) setTimeout(() => fold.click(), 0);
    }, true);
  }
  if (!window.__frontlineMenuObserver) {
    const sidebar = document.querySelector('[data-testid="stSidebar"]') || document.body;
    window.__frontlineMenuObserver = new MutationObserver(repair);
    window.__frontlineMenuObserver.observe(sidebar, { childList: true, subtree: true });
  }
}
"""

_component = st.components.v2.component("frontline.menu_repair", js=_JS)


def repair_sidebar_menu() -> None:
    """Mount the repair once per run, in the sidebar (only staff have a menu)."""
    with st.sidebar:
        _component(key="menu_repair", height=0)


_FORM_JS = """
const STYLE = `
[data-testid="stForm"] [role="radiogroup"] { column-gap: 8px; }
[data-testid="stForm"] [data-testid="stRadioOption"] {
  min-width: 44px; min-height: 44px; margin-right: 0; justify-content: center; align-items: center;
}
[data-testid="stMain"] button[data-testid^="stBaseButton"], [data-testid="stMain"] input[type="text"],
[data-testid="stExpander"] summary { min-height: 44px; }`;

export default function ({ data }) {
  window.__frontlineNumeric = data.numeric;
  if (!document.getElementById("frontline-phone-form")) {
    const style = document.createElement("style");
    style.id = "frontline-phone-form";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }
  const keypad = () => {
    for (const box of document.querySelectorAll('[data-testid="stForm"] input[type=text]')) {
      if (box.placeholder === window.__frontlineNumeric && box.getAttribute("inputmode") !== "numeric") {
        box.setAttribute("inputmode", "numeric");
      }
    }
  };
  // A message drawn above an answer is that answer's description, and the answer is marked invalid, so a reader
  // moving straight to it hears what is wrong; an answer with no message above it is not marked.
  const problems = () => {
    const form = document.querySelector('[data-testid="stForm"]');
    if (!form) return;
    let message = null;
    const parts = form.querySelectorAll('[data-testid="stAlert"], [role=radiogroup], input[type=text], textarea');
    parts.forEach((part, index) => {
      if (part.matches('[data-testid="stAlert"]')) {
        if (!part.id) part.id = `frontline-problem-${index}`;
        message = part;
        return;
      }
      const described = message ? message.id : null;
      if (part.getAttribute("aria-describedby") !== described) {
        if (described) part.setAttribute("aria-describedby", described);
        else part.removeAttribute("aria-describedby");
      }
      if (described && part.getAttribute("aria-invalid") !== "true") part.setAttribute("aria-invalid", "true");
      if (!described && part.hasAttribute("aria-invalid")) part.removeAttribute("aria-invalid");
      message = null;
    });
  };
  const repair = () => { keypad(); problems(); };
  repair();
  if (!window.__frontlineKeypadObserver) {  // React redraws the boxes, without these attributes, after some runs
    window.__frontlineKeypadObserver = new MutationObserver(repair);
    window.__frontlineKeypadObserver.observe(document.body, { childList: true, subtree: true });
  }
}
"""

_form_component = st.components.v2.component("frontline.phone_form", js=_FORM_JS)


def phone_friendly_form(numeric_placeholder: str) -> None:
    """Make the page's scale choices 44 pixels square and its buttons, boxes and expanders 44 tall, give text
    boxes showing ``numeric_placeholder`` the phone's keypad of digits (the share is a whole number), and tie each
    message above an answer in the form to that answer (described by it, marked invalid) for screen readers."""
    _form_component(key="phone_form", data={"numeric": numeric_placeholder}, height=0)
