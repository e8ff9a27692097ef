import pytest
from sklearn.metrics import roc_auc_score

from research.demo.seed import generate_responses


@pytest.mark.parametrize(
    "text",
    ["long hours and not enough people on the phones", "we are understaffed every evening", "no breaks, short staffed",
     "the CRM freezes every time I process a refund", "pay hasn't kept up with the cost of living",
     "my team lead never backs us up", "nobody listens"],
)
def test_workplace_complaints_read_as_negative(scorer, text):
    assert scorer.score(text) <= -0.05


@pytest.mark.parametrize("text", ["great team, we look after each other", "my team lead backs us up",
                                  "the extra hires have made the queue manageable", "I LOVE this job 😀"])
def test_praise_reads_as_positive(scorer, text):
    assert scorer.score(text) >= 0.05


def test_capitals_still_intensify(scorer):
    assert scorer.score("I LOVE my team") > scorer.score("I love my team")


def test_demo_praise_ranks_above_complaints(scorer):
    items = [r for r in generate_responses() if r.text]
    auc = roc_auc_score([r.positive for r in items], scorer.score_many([r.text for r in items]))
    assert auc > 0.8


def test_the_learned_head_reads_a_pay_complaint_and_praise_of_learning(scorer, model):
    from research.analysis.embeddings import embed_texts

    texts = ["Salary is on the lower side compared to the market", "Lots of learning and supportive seniors"]
    assert scorer.head is not None
    learned = scorer.score_many(texts, embed_texts(texts, model))
    assert learned[0] < 0 < learned[1] and all(-1 <= s <= 1 for s in learned)


def test_a_comment_without_a_letter_is_neutral_not_negative(scorer, model):
    from research.analysis.embeddings import embed_texts

    texts = ["\u200b", ", , , , ,", "?!?! ...", "The pay is far too low"]
    scores = scorer.score_many(texts, embed_texts(texts, model))
    assert scores[:3] == [0.0, 0.0, 0.0]
    assert scores[3] < -0.3


def test_the_shipped_head_reads_words_and_needs_the_texts(scorer):
    import numpy as np

    head = scorer.head
    assert head is not None and len(head.vocabulary) > 1000 and "no growth" in head.vocabulary
    with pytest.raises(ValueError, match="pass the texts"):
        head.score(np.zeros((1, 384)), [0.0])


def test_word_features_match_scikit_learns_tfidf():
    """The runtime's tf-idf (sublinear counts, word pairs, L2 norm) is the vectoriser the head was trained with."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from research.analysis.sentiment import SentimentHead

    corpus = ["No growth, no hike and no work life balance", "Good work life balance", "Salary is low, growth is good",
              "Supportive seniors, good learning", "Politics. Politics and more POLITICS!", "a"]
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(corpus)
    weights = np.random.default_rng(0).normal(size=3 + len(words.idf_))
    head = SentimentHead(weights, 0.25, words.get_feature_names_out().tolist(), words.idf_)
    vectors, lexicon = np.random.default_rng(1).normal(size=(len(corpus), 2)), np.linspace(-1, 1, len(corpus))
    expected = np.column_stack([vectors, lexicon]) @ weights[:3] + words.transform(corpus) @ weights[3:] + 0.25
    assert np.allclose(head.score(vectors, lexicon, corpus), 2 / (1 + np.exp(-expected)) - 1, atol=1e-5)


def test_a_head_without_words_still_scores(tmp_path):
    import numpy as np

    from research.analysis.sentiment import SentimentHead

    np.savez(tmp_path / "head.npz", weights=np.array([1.0, 0.0, 2.0], dtype=np.float32), bias=np.float32(0.0))
    head = SentimentHead.load(tmp_path / "head.npz")
    assert head.score(np.array([[0.5, 9.0]]), [0.25]).tolist() == pytest.approx([np.tanh(0.5)])


LIKED = ["Great learning curve and supportive seniors", "Flexible hours and a manager who listens"]
DISLIKED = ["No hike for two years and poor management", "Too much politics, favouritism in appraisals"]


@pytest.fixture(scope="module")
def tuned_scorer(tmp_path_factory):
    from research.analysis.sentiment import SentimentScorer, load_tuned_model

    return SentimentScorer(tmp_path_factory.mktemp("nltk"), tuned=load_tuned_model())


def test_the_fine_tuned_model_ships_and_is_averaged_with_the_head_in_log_odds(tuned_scorer, model):
    import numpy as np

    from research.analysis.embeddings import embed_texts

    scorer = tuned_scorer
    assert scorer.tuned is not None
    texts = LIKED + DISLIKED
    vectors, lexicon = embed_texts(texts, model), scorer.lexicon_scores(texts)
    tuned = scorer.tuned.encode(texts)[:, 0]
    assert min(tuned[:2]) > 0 > max(tuned[2:])
    expected = np.tanh((scorer.head.log_odds(vectors, lexicon, texts) + tuned) / 4)  # 2 sigmoid(x) - 1 = tanh(x / 2)
    followed = []
    blended = scorer.score_many(texts, vectors, lexicon=lexicon, progress=lambda *done: followed.append(done))
    assert blended == pytest.approx(expected.tolist(), abs=1e-5)
    assert followed[-1] == (4, 4)  # the model's pass is followed, like the embedding's
    assert min(blended[:2]) > 0 > max(blended[2:])


def test_by_default_the_fine_tuned_model_reads_only_the_texts_the_head_is_unsure_of(tuned_scorer, model):
    """A third of a second pass instead of a whole one: a text the head scores well past ``UNSURE`` keeps the
    head's score, the others are averaged with the fine-tuned model's log-odds."""
    import copy

    import numpy as np

    from research.analysis.embeddings import embed_texts
    from research.analysis.sentiment import UNSURE

    class Recording:
        """Says every text it is given is liked (log-odds 5), and keeps which it was given."""

        embedding_backend = "recording"

        def __init__(self):
            self.read = []

        def encode(self, texts, **kwargs):
            self.read += texts
            return np.full((len(texts), 1), 5.0, dtype=np.float32)

        def get_sentence_embedding_dimension(self):
            return 1

    texts = [*LIKED, *DISLIKED, "The rota is out.", "Pay is ok I guess, the queue is long some days"]
    vectors, lexicon = embed_texts(texts, model), tuned_scorer.lexicon_scores(texts)
    head = tuned_scorer.head.log_odds(vectors, lexicon, texts)
    unsure = np.abs(head) < UNSURE
    assert 0 < unsure.sum() < len(texts), head  # the texts show both kinds
    scorer = copy.copy(tuned_scorer)
    scorer.tuned, scorer.unsure = Recording(), UNSURE
    scores = scorer.score_many(texts, vectors, lexicon=lexicon)
    assert sorted(scorer.tuned.read) == sorted(t for t, u in zip(texts, unsure, strict=True) if u)
    assert scores == pytest.approx(np.tanh(np.where(unsure, (head + 5) / 2, head) / 2).tolist(), abs=1e-5)


def test_the_fine_tuned_models_outputs_are_kept_in_the_cache(tuned_scorer, model, tmp_path):
    import copy

    from research.analysis.embeddings import embed_texts
    from research.store.embedding_cache import EmbeddingCache

    class Gone:
        """The same model version, but running it is an error: only the cache can answer."""

        embedding_backend = tuned_scorer.tuned.embedding_backend

        def encode(self, *args, **kwargs):
            raise AssertionError("the fine-tuned model ran again for texts it had scored")

        def get_sentence_embedding_dimension(self):
            return 1

    cache = EmbeddingCache(tmp_path / "cache.sqlite", "all-MiniLM-L6-v2")
    try:
        vectors = embed_texts(LIKED, model)
        first = tuned_scorer.score_many(LIKED, vectors, cache=cache)
        cached = copy.copy(tuned_scorer)
        cached.tuned = Gone()
        assert cached.score_many(LIKED, vectors, cache=cache) == pytest.approx(first)
        assert tuned_scorer.score_many(LIKED, vectors) == pytest.approx(first)
    finally:
        cache.close()


def test_another_model_file_gets_another_cache_name_and_the_same_file_the_same(tuned_scorer, tmp_path):
    from research.analysis.sentiment import TUNED_PATH, load_tuned_model

    retrained = tmp_path / "sentiment_model.onnx"
    # The same graph with one unknown protobuf field appended (field 100, varint 1): a different file that
    # onnxruntime still loads, as a retrained model would be.
    retrained.write_bytes(TUNED_PATH.read_bytes() + bytes([0xA0, 0x06, 0x01]))
    shipped = tuned_scorer.tuned.embedding_backend
    assert load_tuned_model(retrained).embedding_backend != shipped
    copied = tmp_path / "copy" / "sentiment_model.onnx"  # where the file lies does not name it; its bytes do
    copied.parent.mkdir()
    copied.write_bytes(TUNED_PATH.read_bytes())
    assert load_tuned_model(copied).embedding_backend == shipped


def test_without_the_model_file_there_is_no_fine_tuned_model(tmp_path):
    from research.analysis.sentiment import load_tuned_model

    assert load_tuned_model(tmp_path / "sentiment_model.onnx") is None


@pytest.mark.parametrize("asked, fine_tuned, unsure", [
    (None, True, True), ("head+fine-tuned-when-unsure", True, True), ("head", False, False),
    ("head+fine-tuned", True, False)])
def test_the_analysis_tools_take_the_sentiment_model_the_settings_ask_for(tmp_path, asked, fine_tuned, unsure):
    from research.analysis.sentiment import UNSURE
    from research.cli.tools import analysis_tools
    from research.settings import load_settings

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path), **({"FRONTLINE_SENTIMENT_MODEL": asked} if asked
                                                                      else {})})
    with analysis_tools(settings) as (_, scorer, _cache):
        assert (scorer.tuned is not None) is fine_tuned and scorer.head is not None
        assert scorer.unsure == (UNSURE if unsure else None)


def test_asking_for_a_fine_tuned_model_that_is_not_installed_says_so(tmp_path, monkeypatch):
    from research.cli import tools
    from research.errors import FrontlineError
    from research.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="FRONTLINE_SENTIMENT_MODEL must be one of"):
        load_settings({"FRONTLINE_SENTIMENT_MODEL": "bert"})
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path), "FRONTLINE_SENTIMENT_MODEL": "head+fine-tuned"})
    monkeypatch.setattr(tools, "load_tuned_model", lambda: None)  # the file deleted after the settings were read
    with pytest.raises(FrontlineError, match="no .*sentiment_model.onnx"):
        with tools.analysis_tools(settings):
            pass


def test_settings_refuse_a_fine_tuned_model_whose_files_were_deleted(tmp_path, monkeypatch):
    from research import settings as settings_module

    missing = tmp_path / "research" / "settings.py"  # beside it, analysis/data/ holds neither file
    monkeypatch.setattr(settings_module, "__file__", str(missing))
    with pytest.raises(settings_module.SettingsError, match="needs sentiment_head.npz, sentiment_model.onnx"):
        settings_module.load_settings({"FRONTLINE_SENTIMENT_MODEL": "head+fine-tuned"})
    assert settings_module.load_settings({"FRONTLINE_SENTIMENT_MODEL": "head"}).sentiment_model == "head"
