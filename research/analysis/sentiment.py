"""Sentiment of agents' comments: a learned head on the embeddings and NLTK's VADER.

VADER alone reads real employee text poorly ("salary is on the lower side" has no negative word). The head is a
logistic regression over the MiniLM embedding, VADER's compound score and the text's tf-idf over 5,000 words and
word pairs, trained on real employees' own split of what they like and dislike about their employer (HRdatasets,
GPL-2; ``bench/train_sentiment.py`` rebuilds it and says how it was chosen and held out). Out of sample, on the like
/ dislike fragments of three employers it never saw, its AUC is 0.929 (VADER 0.786; the head before, without the
words, 0.917). It ships as ``data/sentiment_head.npz`` (weights, terms and idf; no pickle), under GPL-2 like its
source. Where a fine-tuned model is passed in (``load_tuned_model``: the packaged MiniLM trained end to end on the
same fragments, shipped as ``data/sentiment_model.onnx``), the two log-odds are averaged: on three splits of the
training employers that beat the head alone by 0.006 to 0.009 AUC. By default (``FRONTLINE_SENTIMENT_MODEL=
head+fine-tuned-when-unsure``) only the texts the head is unsure of (:data:`UNSURE`) are read by the fine-tuned model
too, about a third of them, which costs a third of a second pass instead of a whole one; ``head+fine-tuned`` reads
every text with both. Without an embedding (a single text scored alone) the score is VADER's.

The lexicon comes from the installed vaderSentiment package (see :mod:`research.analysis.nltk_data`). The workplace
terms below make complaints about hours, staffing, breaks, pay and tools read as negative to VADER.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from research.analysis.nltk_data import VADER_MEMBER, VADER_RESOURCE, ensure_nltk_data
from research.text_parts import LETTERS

if TYPE_CHECKING:
    from research.store.embedding_cache import EmbeddingCache

WORKPLACE_LEXICON = {
    "understaffed": -2.2, "overworked": -2.4, "overtime": -1.2, "burnt": -2.0, "burnout": -2.5,
    "exhausted": -2.2, "freezes": -1.8, "crashes": -2.0, "crash": -1.8, "slow": -1.3, "outdated": -1.4,
    "cancelled": -1.3, "queue": -0.6, "backlog": -1.2, "rota": -0.3, "underpaid": -2.3, "unpaid": -1.6,
    "abusive": -2.6, "shouting": -1.8, "escalate": -0.8, "escalates": -0.8, "nowhere": -1.0, "dread": -2.4,
    "timeout": -1.2, "logs": -0.3, "broken": -1.8,
    "nightmare": -2.4, "struggle": -1.6, "listens": 1.3, "quicker": 1.4, "manageable": 1.4,
    "appreciated": 2.0, "helped": 1.6, "unnoticed": -1.4, "rush": -0.8, "rushed": -1.0,
    "apologising": -0.6, "apologizing": -0.6,
}


# VADER scores single tokens; these phrases are joined into one token before scoring.
WORKPLACE_PHRASES = {
    "long hours": -1.8, "long shifts": -1.6, "not enough staff": -2.0, "not enough people": -2.0,
    "not enough agents": -2.0, "short staffed": -2.1, "short-staffed": -2.1, "no breaks": -2.0,
    "no time": -1.4, "back to back": -1.3, "back-to-back": -1.3, "too many screens": -1.6,
    "too much": -1.0, "too many": -0.9, "no support": -2.0, "no training": -1.8, "no career": -1.6,
    "pay hasn't kept up": -1.8, "low pay": -2.0, "cost of living": -1.0, "nobody listens": -2.0,
    "never hear back": -1.8, "goes nowhere": -1.8, "nothing changes": -1.8, "logs me out": -1.5,
    "times out": -1.4, "out of date": -1.5, "stressful": -2.0, "high turnover": -1.8, "micromanagement": -2.0,
    "doesn't listen": -1.8, "don't listen": -1.8, "never listen": -1.8, "no authority": -1.8,
    "can't control": -1.5, "can't change": -1.2, "out of our control": -1.5, "goes unnoticed": -1.6,
    "go unnoticed": -1.6, "rush customers": -1.5, "never on the floor": -1.4, "nobody to": -1.2,
    "nobody trained": -1.8, "no one trained": -1.8, "never arrived": -1.5, "shout at": -1.8, "shouted at": -1.8,
    "to the minute": -1.2, "toilet breaks": -1.0, "screens open": -1.0, "only three of us": -1.8,
    "only two of us": -1.8, "chats waiting": -1.0, "calls waiting": -1.0, "late for my shift": -1.2,
    "nobody ever says thanks": -1.6, "saves me": 1.4, "on time": 0.8, "acted on": 1.6, "led to changes": 1.2,
    "shout outs": 1.8, "shout out": 1.8, "means a lot": 1.6, "mean a lot": 1.6, "solve problems": 1.2,
    "micro managed": -2.0, "backs us up": 1.4, "backs me up": 1.4, "no work life balance": -2.2,
    "poor management": -2.2,
}


_PHRASE_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(WORKPLACE_PHRASES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def _join_phrases(text: str) -> str:
    """Replace each workplace phrase with its single token, leaving the rest (and its capitals) alone."""
    return _PHRASE_PATTERN.sub(lambda m: _token(m.group(1).lower()), text)


def _token(phrase: str) -> str:
    return "wp_" + "_".join(phrase.replace("'", "").replace("-", "_").split())


HEAD_PATH = Path(__file__).with_name("data") / "sentiment_head.npz"
TUNED_PATH = Path(__file__).with_name("data") / "sentiment_model.onnx"


def load_tuned_model(path: Path = TUNED_PATH, model_name: str = "all-MiniLM-L6-v2"):
    """The fine-tuned MiniLM that reads a text's log-odds of being something liked (``bench/train_sentiment.py``),
    run on onnxruntime like the ONNX embedding model (one output per text) whatever the embedding backend, or
    None when this distribution does not ship it.

    Its backend name carries a hash of the file, the tokenizer, the token limit and onnxruntime's version, so
    the cache never mixes outputs of two versions.
    """
    import hashlib

    import onnxruntime

    from research.analysis.embeddings import MAX_TOKENS, OnnxEmbedder, model_path
    from research.errors import FrontlineError

    if not path.is_file():
        return None
    tokenizer = model_path(model_name) / "tokenizer.json"
    digest = hashlib.sha256(path.read_bytes() + tokenizer.read_bytes())
    digest.update(f"\x00{MAX_TOKENS}\x00{onnxruntime.__version__}".encode())
    try:
        return OnnxEmbedder(path, tokenizer, f"sentiment-{digest.hexdigest()[:16]}", max_tokens=MAX_TOKENS)
    except Exception as exc:  # onnxruntime's own errors name no file
        raise FrontlineError(f"the fine-tuned sentiment model {path} could not be loaded ({type(exc).__name__}: "
                             f"{exc}); set FRONTLINE_SENTIMENT_MODEL=head") from exc


UNSURE = 1.3
"""The head's log-odds within which (either side of 0: a probability between 0.21 and 0.79) the fine-tuned model
reads a text too. Chosen for cost, not for the score: a third of the six training employers' fragments fall within
it when the head is fitted without their employer (out-of-fold |log-odds| at the third: 1.31). On the three
held-out employers' 6,340 fragments it sends 31 % to the fine-tuned model, and the AUC is 0.934 against the head's
0.929 and 0.938 with every text read by both (2026-12-07, onnx-int8)."""

PRAISE = 0.3
"""VADER's compound score from which a text's words clearly praise: such a text is never quoted as a complaint.
Not VADER's own cut-off for positive, 0.05: "No pay rise this year" scores 0.08, "rise" being a good word. On
Amazon review snippets the complaints quoted are 64.1 % right at 0.5, 69.6 % at 0.3 and little more below (71.0 %
at 0.2), while fewer stay quotable (88 %, 73 %, 68 %); on the held-out reviews 85.1 % right at each, 81 % quotable
at 0.3. (0.5 shipped first; a second outside walk still saw demo praise scoring 0.36-0.40 quoted as complaints.)"""


@functools.cache
def _lexicon_alone():
    """vaderSentiment's own analyser (its packaged lexicon, no NLTK data) with the workplace terms."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return _with_workplace_terms(SentimentIntensityAnalyzer())


def _with_workplace_terms(analyzer):
    """``analyzer`` (NLTK's VADER or vaderSentiment's own) with the workplace words and joined phrases added."""
    analyzer.lexicon.update(WORKPLACE_LEXICON)
    analyzer.lexicon.update({_token(p): v for p, v in WORKPLACE_PHRASES.items()})
    return analyzer


def reads_as_praise(text: str) -> bool:
    """Whether the words of ``text`` clearly praise (VADER, with the workplace terms, at :data:`PRAISE` or more).

    The learned head reads contact-centre praise as complaint ("The extra hires have made the queue manageable":
    -0.83), and an outside walk found such comments quoted as a gap's critics. Where the lexicon clearly
    disagrees, a comment is left out of the quotes that illustrate complaints; scores are unchanged (mixing the
    lexicon in lowered the AUC on real held-out reviews from 0.929 to 0.920-0.928). Of the held-out reviews'
    fragments the head reads as negative, 84.8 % are dislikes, 85.2 % of those this leaves (81 % of them); of
    Amazon review snippets' (VADER's own validation set, so favourable to it) 58.6 % and 69.6 %. It misses
    faint praise: "The extra hires have made the queue manageable" scores 0.20.
    """
    return _lexicon_alone().polarity_scores(_join_phrases(text or ""))["compound"] >= PRAISE


class _Default(enum.Enum):
    """A typed sentinel: ``head`` left out (the shipped head) is not ``head=None`` (VADER alone)."""

    SHIPPED_HEAD = enum.auto()


_DEFAULT = _Default.SHIPPED_HEAD


_WORD = re.compile(r"(?u)\b\w\w+\b")
"""Words as scikit-learn's TfidfVectorizer finds them (its default token pattern, on lowercased text)."""


class SentimentHead:
    """``sigmoid(w . [embedding, vader, words] + b)``, mapped to -1..1. ``words`` is the text's tf-idf over the
    head's vocabulary of words and word pairs, computed as scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2),
    sublinear_tf=True)`` does; a head saved without a vocabulary reads the embedding and VADER only."""

    def __init__(self, weights: np.ndarray, bias: float, vocabulary: Sequence[str] = (),
                 idf: Sequence[float] = ()):
        self.weights, self.bias = np.asarray(weights, dtype=np.float32), float(bias)
        self.vocabulary = {term: i for i, term in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float32)
        if len(self.idf) != len(self.vocabulary):
            raise ValueError("the sentiment head needs one idf weight per vocabulary term")

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> SentimentHead:
        with np.load(path, allow_pickle=False) as data:
            vocabulary = str(data["vocabulary"]).split("\n") if "vocabulary" in data.files else []
            idf = data["idf"] if "idf" in data.files else ()
            return cls(data["weights"], float(data["bias"]), vocabulary, idf)

    def word_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's tf-idf vector (sublinear counts, L2-normalised) dotted with the word weights."""
        word_weights = self.weights[len(self.weights) - len(self.vocabulary):]
        out = np.zeros(len(texts), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = _WORD.findall(text.lower())
            counts: dict[int, int] = {}
            for term in tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]:
                if (index := self.vocabulary.get(term)) is not None:
                    counts[index] = counts.get(index, 0) + 1
            if counts:
                columns = np.fromiter(counts, dtype=np.int64)
                values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32))) * self.idf[columns]
                out[row] = values @ word_weights[columns] / np.linalg.norm(values)
        return out

    def score(self, vectors: np.ndarray, lexicon: Sequence[float], texts: Sequence[str] | None = None) -> np.ndarray:
        """Scores from -1 to 1; ``texts`` are needed when the head has a vocabulary."""
        return _squashed(self.log_odds(vectors, lexicon, texts))

    def log_odds(self, vectors: np.ndarray, lexicon: Sequence[float], texts: Sequence[str] | None = None
                 ) -> np.ndarray:
        """The head's log-odds that each text is something liked."""
        features = np.column_stack([np.asarray(vectors, dtype=np.float32), np.asarray(lexicon, dtype=np.float32)])
        if features.shape[1] + len(self.vocabulary) != len(self.weights):
            raise ValueError(f"the sentiment head expects "
                             f"{len(self.weights) - len(self.vocabulary) - 1}-dimensional embeddings")
        logits = features @ self.weights[:features.shape[1]] + self.bias
        if self.vocabulary:
            if texts is None:
                raise ValueError("this sentiment head reads the words too: pass the texts")
            logits = logits + self.word_scores(texts)
        return logits


def _squashed(logits: np.ndarray) -> np.ndarray:
    return 2.0 / (1.0 + np.exp(-logits)) - 1.0


class SentimentScorer:
    """Scores text from -1 (negative) to 1 (positive): where an embedding is given, the learned head, averaged in
    log-odds with the fine-tuned model when one is passed in; else VADER plus workplace terms."""

    def version(self) -> str:
        """Changes whenever the workplace terms change, so cached lexicon scores are never stale."""
        import hashlib

        terms = repr(sorted(WORKPLACE_LEXICON.items())) + repr(sorted(WORKPLACE_PHRASES.items()))
        return "vader+" + hashlib.sha256(terms.encode()).hexdigest()[:16]

    def __init__(self, nltk_dir: Path, head: SentimentHead | None | _Default = _DEFAULT, tuned=None,
                 unsure: float | None = None):
        """``tuned`` reads every text with the head, or with ``unsure`` only those whose head log-odds lie
        within it (:data:`UNSURE`)."""
        ensure_nltk_data(nltk_dir)
        from nltk.sentiment.vader import SentimentIntensityAnalyzer

        self._analyzer = _with_workplace_terms(
            SentimentIntensityAnalyzer(lexicon_file=f"{VADER_RESOURCE}/{VADER_MEMBER}"))
        if head is _DEFAULT:  # the shipped head; a distribution without the file scores with VADER alone
            head = SentimentHead.load() if HEAD_PATH.is_file() else None
        self.head = head
        self.tuned = tuned
        self.unsure = unsure

    def score(self, text: str) -> float:
        """VADER compound score from -1 to 1, with workplace words and phrases counted."""
        return float(self._analyzer.polarity_scores(_join_phrases(text or ""))["compound"])

    def lexicon_scores(self, texts: Iterable[str]) -> list[float]:
        return [self.score(t) for t in texts]

    def score_many(self, texts: Sequence[str], vectors: np.ndarray | None = None,
                   lexicon: Sequence[float] | None = None, cache: EmbeddingCache | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[float]:
        """Scores of ``texts``; with their (normalised) embeddings, the learned head's (and the fine-tuned
        model's, whose per-text output ``cache`` keeps like a vector; ``progress(done, total)`` follows its new
        texts). ``lexicon`` passes VADER scores already computed (from the cache)."""
        from research.analysis.embeddings import embed_texts

        lexicon = self.lexicon_scores(texts) if lexicon is None else lexicon
        if vectors is None or self.head is None or not len(texts):
            return [float(v) for v in lexicon]
        log_odds = self.head.log_odds(vectors, lexicon, texts)
        if self.tuned is not None:
            read = np.arange(len(texts)) if self.unsure is None else np.flatnonzero(np.abs(log_odds) < self.unsure)
            if len(read):
                tuned = embed_texts([texts[int(i)] for i in read], self.tuned, cache=cache, progress=progress)[:, 0]
                log_odds[read] = (log_odds[read] + tuned) / 2
        # A text without a letter (commas, "?!", an invisible character) gives the head nothing to read, and its
        # intercept alone would call it negative: VADER's score (0 for these) stands.
        return [float(v) if LETTERS.search(text) else float(vader)
                for v, text, vader in zip(_squashed(log_odds), texts, lexicon)]
