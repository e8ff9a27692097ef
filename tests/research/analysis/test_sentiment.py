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
