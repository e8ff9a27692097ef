"""Analysis runs with the network unreachable: in a network namespace with no
interfaces when the machine allows one (`unshare -n`), else with every socket
connection refused by an audit hook."""

import os
import shutil
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import socket, sys
    from research.settings import load_settings
    from research.analysis.embeddings import load_embedding_model
    from research.analysis.sentiment import SentimentScorer, load_tuned_model

    settings = load_settings()
    try:
        socket.create_connection(("1.1.1.1", 443), timeout=2)
        print("NETWORK REACHABLE"); sys.exit(3)
    except OSError:
        pass
    scorer = SentimentScorer(settings.nltk_data_dir, tuned=load_tuned_model())
    model = load_embedding_model(settings.embedding_model)
    texts = ["the CRM freezes on refunds", "my team lead backs us up"]
    vectors = model.encode(texts)
    print(vectors.shape, scorer.score("the CRM freezes on refunds"), scorer.score("great team, thank you"))
    print(scorer.tuned is not None, *scorer.score_many(texts, vectors))
    """
)

BLOCK_SOCKETS = textwrap.dedent(
    """
    import sys
    def _deny(event, args):
        if event == "socket.connect":
            raise OSError("network disabled for this test")
    sys.addaudithook(_deny)
    """
)


def isolated_command(code: str) -> list[str]:
    """Run ``code`` in a fresh Python with no network: a new network namespace when allowed, else no sockets."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", sys.executable, "-c", BLOCK_SOCKETS + code]
    return [sys.executable, "-c", BLOCK_SOCKETS + code]


def test_embeddings_and_sentiment_work_offline(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.update(FRONTLINE_DATA_DIR=str(tmp_path), HOME=str(tmp_path))
    result = subprocess.run(isolated_command(PROBE), capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    shape, negative, positive = lines[-2].rsplit(" ", 2)
    assert shape == "(2, 384)"
    assert float(negative) < 0 < float(positive)
    tuned, complaint, praise = lines[-1].split()
    assert tuned == "True" and float(complaint) < 0 < float(praise)  # the learned scores, fine-tuned model too
    assert (tmp_path / "nltk_data" / "sentiment" / "vader_lexicon.zip").exists()
