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
