"""The ONNX backends: exported once from the packaged weights, close to PyTorch, never mixed in the cache,
and PyTorch when the export fails."""

import logging

import numpy as np
import pytest

from research.analysis import embeddings
from research.analysis.embeddings import EmbeddingCache, embed_texts, load_embedding_model
from research.settings import SettingsError, load_settings

COMMENTS = [
    "the CRM logs me out every hour",
    "the system crashes whenever I open a refund",
    "my team lead backs us up when customers shout",
    "my manager supports me and listens",
    "pay hasn't kept up with the cost of living",
    "the salary is too low for the work we do",
    "no breaks since the new rota started",
    "we are short staffed again and the queue never ends",
    "great coaching this month, I learned a lot",
    "the training for new starters was excellent",
    "nobody listens to us",
    "I love the people I work with",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The int8 ONNX model exported into a fresh data directory, and the PyTorch model beside it."""
    export_dir = tmp_path_factory.mktemp("models")
    return (load_embedding_model("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=export_dir),
            load_embedding_model("all-MiniLM-L6-v2", backend="torch", export_dir=export_dir), export_dir)


def test_int8_vectors_are_close_to_pytorch_and_keep_the_same_neighbours(exported):
    onnx_model, torch_model, export_dir = exported
    assert onnx_model.embedding_backend == "onnx-int8"
    assert list(export_dir.glob("*/onnx-int8.onnx")), "the export is kept in the data directory"
    ours = embed_texts(COMMENTS, onnx_model)
    theirs = embed_texts(COMMENTS, torch_model)
    assert ours.shape == theirs.shape == (len(COMMENTS), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    cosines = np.sum(ours * theirs, axis=1)
    # Measured on 1,500 real review fragments: mean 0.991, lowest 0.970 (README, Benchmarks).
    assert cosines.min() > 0.95 and cosines.mean() > 0.98, cosines

    def similarities(vectors):
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, -1)
        return similarity

    # Each comment's nearest neighbour under int8 is one of its two nearest under PyTorch or within 0.035 of
    # PyTorch's nearest, and the same one wherever PyTorch's first is clearly ahead of its second (int8 rounding,
    # which differs between CPUs with and without VNNI, may swap a near tie such as "nobody listens to us" between
    # two supportive-manager lines; "my manager supports me and listens" is near four others alike, at 0.341,
    # 0.321, 0.318 and 0.310 under PyTorch, and int8 with one text a run puts the fourth first, at 0.333).
    theirs_sim = similarities(theirs)
    ours_nearest = similarities(ours).argmax(axis=1)
    top_two = np.argsort(theirs_sim, axis=1)[:, -2:]
    near_tie = theirs_sim[np.arange(len(COMMENTS)), ours_nearest] >= theirs_sim.max(axis=1) - 0.035
    assert all(n in pair or tie for n, pair, tie in zip(ours_nearest, top_two, near_tie, strict=True))
    ranked = np.sort(theirs_sim, axis=1)
    clear = ranked[:, -1] - ranked[:, -2] > 0.05
    assert clear.sum() >= len(COMMENTS) // 2
    assert (ours_nearest[clear] == theirs_sim.argmax(axis=1)[clear]).all()


def test_a_texts_int8_vector_does_not_depend_on_the_texts_encoded_with_it(exported):
    # Int8 activations are scaled per run, so a batch would let the other texts move each vector; one text a run,
    # on one session or another, gives each text its own vector.
    onnx_model, _, _ = exported
    together = onnx_model.encode(COMMENTS)
    alone = np.vstack([onnx_model.encode(text) for text in COMMENTS])
    one_session = embeddings.OnnxEmbedder(next(onnx_model_files(exported)), embeddings.model_path(
        "all-MiniLM-L6-v2") / "tokenizer.json", "onnx-int8", sessions=1).encode(list(reversed(COMMENTS)))[::-1]
    assert np.array_equal(together, alone) and np.array_equal(together, one_session)


def onnx_model_files(exported):
    return exported[2].glob("*/onnx-int8.onnx")


def test_later_loads_reuse_the_export(exported, monkeypatch, tmp_path):
    onnx_model, _, export_dir = exported

    def no_export(*args):
        raise AssertionError("exported again")

    monkeypatch.setattr(embeddings, "_export", no_export)
    again = load_embedding_model("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=export_dir)
    elsewhere = load_embedding_model("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=tmp_path)
    assert again.embedding_backend == elsewhere.embedding_backend == "onnx-int8"
    assert list(tmp_path.glob("*/onnx-int8.onnx")), "another data directory gets its own copy"
    expected = onnx_model.encode(COMMENTS[:3])
    assert np.allclose(again.encode(COMMENTS[:3]), expected) and np.allclose(elsewhere.encode(COMMENTS[:3]), expected)


class FakeModel:
    """Encodes every text as the same vector, so which backend a cached vector came from is visible."""

    def __init__(self, backend, value):
        self.embedding_backend, self.value, self.encoded = backend, value, []

    def encode(self, texts, **kwargs):
        self.encoded += list(texts)
        vectors = np.full((len(texts), 4), self.value, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def get_sentence_embedding_dimension(self):
        return 4


def test_the_cache_never_mixes_backends(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "all-MiniLM-L6-v2")
    torch_model, onnx_model = FakeModel("torch", 1.0), FakeModel("onnx-int8", -1.0)
    first = embed_texts(["pay is low", "great team"], torch_model, cache=cache)
    from_onnx = embed_texts(["pay is low", "great team"], onnx_model, cache=cache)
    assert sorted(onnx_model.encoded) == ["great team", "pay is low"], "the PyTorch vectors were not reused"
    assert (from_onnx < 0).all() and (first > 0).all()
    again = embed_texts(["pay is low"], torch_model, cache=cache)
    assert torch_model.encoded.count("pay is low") == 1, "the PyTorch vector was cached and reused"
    assert (again > 0).all()
    assert cache.forget(["pay is low"]) == 2, "erasure finds the text under both backends"
    cache.close()


def test_falls_back_to_pytorch_and_says_so_once(tmp_path, monkeypatch, caplog):
    def broken_trace(*args):
        raise RuntimeError("exporter missing")

    from research.analysis import onnx_export

    monkeypatch.setattr(onnx_export, "trace", broken_trace)
    monkeypatch.setattr(embeddings, "_fallbacks_said", set())
    monkeypatch.setattr(embeddings, "_made_here", {})  # no earlier export in this process to copy
    with caplog.at_level(logging.WARNING, logger="frontline.embeddings"):
        first = load_embedding_model("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=tmp_path)
        second = load_embedding_model("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=tmp_path)
    assert first.embedding_backend == second.embedding_backend == "torch"
    warnings = [r.getMessage() for r in caplog.records if r.name == "frontline.embeddings"]
    assert len(warnings) == 1 and "falling back to PyTorch" in warnings[0] and "exporter missing" in warnings[0]
    assert first.encode(["the CRM logs me out"], normalize_embeddings=True).shape == (1, 384)
    assert not list(tmp_path.glob("*/onnx-int8.onnx"))
    assert list(tmp_path.glob("*/onnx-int8.failed")), "the failure is remembered, so later loads do not retry"


def test_settings_refuse_an_unknown_backend(tmp_path):
    assert load_settings({"FRONTLINE_DATA_DIR": str(tmp_path)}).embedding_backend == "onnx-int8"
    assert load_settings({"FRONTLINE_EMBEDDING_BACKEND": "torch"}).embedding_backend == "torch"
    with pytest.raises(SettingsError, match="FRONTLINE_EMBEDDING_BACKEND"):
        load_settings({"FRONTLINE_EMBEDDING_BACKEND": "gpu"})


def test_a_cache_written_by_pytorch_alone_is_not_read_as_the_default_backend(tmp_path):
    """Before backends were recorded PyTorch made every vector under the plain keys the default now uses."""
    import sqlite3

    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as db:  # the layout of the release before this one
        db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        db.execute("CREATE TABLE scores (key TEXT PRIMARY KEY, score REAL NOT NULL)")
        db.execute("CREATE TABLE namespaces (tbl TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (tbl, name))")
        db.execute("INSERT INTO namespaces VALUES ('vectors', 'm')")
        db.execute("INSERT INTO vectors VALUES (?, ?)", (EmbeddingCache._hash("m", "pay is low"),
                                                          np.ones(4, dtype=np.float32).tobytes()))
    db.close()
    cache = EmbeddingCache(path, "m")
    model = FakeModel("onnx-int8", -1.0)
    assert (embed_texts(["pay is low"], model, cache=cache) < 0).all() and model.encoded == ["pay is low"]
    cache.close()
    reopened = EmbeddingCache(path, "m")  # from then on the default backend's vectors are kept
    assert (reopened.get_many(["pay is low"], "onnx-int8")["pay is low"] < 0).all()
    reopened.close()
