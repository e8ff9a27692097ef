"""Topic labels read like a finding, and a topic's typical texts are of its own tone and theme."""

from collections import Counter

import numpy as np

from research.analysis.phrases import PhraseIndex
from research.analysis.topic_names import MAX_LABEL_CHARS, readable_label, typical_order

PAY = ["No pay rise this year, again.", "Honestly no pay rise this year and prices keep going up",
       "There was no pay rise this year for anyone on the floor", "no pay rise this year. Bills are not waiting."]
ROTA = ["Rota changes at short notice every week", "The rota changes at short notice, I can't plan childcare",
        "rota changes at short notice and nobody asks us", "My team lead is great"]
OTHER = ["The CRM freezes when I open a refund", "Parking is a nightmare after nine",
         "Coaching sessions helped me with hard calls", "The knowledge base is out of date"]


def label_of(members, corpus, **kwargs):
    return readable_label(PhraseIndex(corpus), members, **kwargs)


def test_a_label_is_the_phrase_the_topic_shares_not_a_list_of_keywords():
    corpus = PAY + ROTA + OTHER
    pay = label_of(range(4), corpus)
    rota = label_of(range(4, 8), corpus)
    assert pay == "No pay rise this year"
    assert rota == "Rota changes at short notice"
    assert "," not in pay + rota and len(pay) <= MAX_LABEL_CHARS
    assert label_of(range(4), corpus) == pay  # deterministic


def test_the_label_speaks_for_the_topics_dominant_tone():
    texts = ["Rota changes at short notice again", "rota changes at short notice, awful",
             "Rota changes at short notice all the time", "The rota is fair these days",
             "the rota is fair now", "Honestly the rota is fair"]
    corpus = texts + OTHER
    mostly_negative = [-0.6, -0.5, -0.4, -0.2, 0.5, 0.4]  # the one lukewarm "fair" reads negative here
    mostly_positive = [-0.6, -0.5, 0.4, 0.6, 0.5, 0.4]
    assert label_of(range(6), corpus, sentiments=mostly_negative) == "Rota changes at short notice"
    assert label_of(range(6), corpus, sentiments=mostly_positive) == "Rota is fair"


def test_the_codebook_theme_goes_in_front_when_it_fits_and_one_persons_words_never_make_a_label():
    corpus = PAY + ROTA + OTHER
    assert label_of(range(4), corpus, theme_name="Pay") == "No pay rise this year"  # names its theme already
    assert label_of(range(4, 8), corpus, theme_name="Schedule") == "Schedule: Rota changes at short notice"
    long_theme = "Schedule and work-life balance of agents on the phones"
    assert label_of(range(4, 8), corpus, theme_name=long_theme) == "Rota changes at short notice"
    # Nothing recurs among these three: the label falls back to the theme, never to one person's sentence.
    assert label_of([8, 9, 10], corpus, theme_name="Tools and systems") == "Tools and systems"
    assert label_of([8, 9, 10], corpus, fallback=["crm", "parking"]) == "crm, parking"


def test_labels_are_at_most_sixty_characters():
    clause = "the monthly session with the head of customer service actually led to real changes for us"
    corpus = [clause, clause.upper(), clause + "!"] + OTHER
    label = label_of(range(3), corpus, theme_name="Voice of the customer and feedback loops")
    assert 0 < len(label) <= MAX_LABEL_CHARS


def test_typical_texts_are_of_the_dominant_tone_and_theme_then_closest_to_the_centre():
    # Four complaints about pay (one of them also about the manager) and one compliment.
    vectors = np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.6, 0.0, 0.8], [0.95, 0.05, 0.0], [0.0, 1.0, 0.0]])
    sentiments = [-0.5, -0.4, -0.6, -0.3, 0.7]
    themes = ["pay", "pay", "management", "pay", "pay"]
    order = typical_order(vectors, sentiments, themes)
    assert 4 not in order  # the one compliment never illustrates a topic of complaints
    assert order[-1] == 2  # the other theme's text comes last, however central
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    centre = unit.mean(axis=0)
    closest_first = sorted([0, 1, 3], key=lambda i: -(unit[i] @ centre))
    assert order[:3] == closest_first  # then by closeness to the centre
    assert typical_order(vectors, sentiments) == sorted([0, 1, 2, 3], key=lambda i: -(unit[i] @ centre))


def test_topics_found_by_the_real_model_are_labelled_by_what_their_people_say(model):
    from research.analysis.embeddings import embed_texts
    from research.analysis.topics import fit_topics

    groups = {
        "pay": ["No pay rise this year", "Still no pay rise this year and rent went up", "no pay rise this year again",
                "Prices up, no pay rise this year", "We got no pay rise this year, morale is low",
                "no pay rise this year while managers got bonuses", "Salary frozen: no pay rise this year",
                "Honestly no pay rise this year"],
        "rota": ["Rota changes at short notice", "The rota changes at short notice every week",
                 "rota changes at short notice so I miss childcare", "Shifts swapped, rota changes at short notice",
                 "Rota changes at short notice with no say", "Again rota changes at short notice",
                 "My rota changes at short notice all the time", "rota changes at short notice, plan impossible"],
        "parking": ["The car park is full by eight", "car park is full before my late shift",
                    "Car park is full again so I park in town", "By nine the car park is full",
                    "the car park is full every morning", "Car park is full, walked twenty minutes",
                    "car park is full and security turns us away", "Our car park is full most days"],
    }
    texts = [t for group in groups.values() for t in group]
    result = fit_topics(texts, embed_texts(texts, model), measure_stability=False,
                        sentiments=[-0.5] * len(texts))
    for name, phrase in (("pay", "no pay rise this year"), ("rota", "rota changes at short notice"),
                         ("parking", "car park is full")):
        topic = Counter(result.topics[texts.index(t)] for t in groups[name]).most_common(1)[0][0]
        assert phrase in result.labels[topic].lower()
    assert all(len(label) <= MAX_LABEL_CHARS for label in result.labels.values())


def test_a_short_label_is_judged_as_most_of_its_texts_judge_it_in_the_topics_tone():
    growth = ["growth here is slow", "very slow growth for freshers", "growth in this team is so slow",
              "growth", "Growth is not slow at all", "growth"]
    corpus = growth + OTHER
    assert label_of(range(6), corpus, sentiments=[-0.4, -0.5, -0.3, -0.1, 0.4, -0.1]) == "Slow growth"
    # In a positive topic a negative judgement is not given, and a negated one ("not slow") never counts.
    assert label_of(range(6), corpus, sentiments=[0.4, 0.5, 0.3, 0.1, 0.4, 0.1]) == "Growth"
    # A name is not judged: "Good Acme" is no finding.
    names = ["Acme is good", "Acme is a good place", "Acme, good people", "Working at Acme"]
    assert label_of(range(4), names + OTHER, sentiments=[0.5, 0.5, 0.5, 0.2]) == "Acme"


def test_two_topics_never_share_a_label():
    from research.analysis.topics import label_topics

    texts = ["salary is ok", "salary", "the salary", "salary hike is small", "salary hike each year",
             "salary hike late", "salary"]
    labels = label_topics(texts, [0, 0, 0, 1, 1, 1, 1], {0: ["salary", "pay"], 1: ["salary", "salary hike"]})
    assert len(set(labels.values())) == 2


def test_a_topic_of_nothing_to_dislike_answers_is_labelled_by_that_answer_not_by_keywords():
    nothing = ["Nothing as such.", "nothing as such", "Nothing as such, good place to work", "Nothing",
               "None", "nothing as such to say"]
    corpus = nothing + PAY + OTHER
    assert label_of(range(6), corpus, fallback=["say", "good", "place"]) == "Nothing as such"
    # A short answer made of stop words counts only as a whole clause: it never labels the pay topic.
    assert label_of(range(6, 10), corpus) == "No pay rise this year"


def test_a_topic_whose_words_only_judge_or_name_nothing_is_called_general_remarks_not_by_that_word():
    praise = ["Awesome", "awesome!!", "Good", "good good", "Awesome place", "All good"]
    corpus = praise + PAY + ROTA + OTHER
    label = label_of(range(6), corpus, sentiments=[0.8] * 6)
    assert label.startswith("General remarks (") and "awesome" in label and label != "Awesome"
    vague = ["Everything, specially", "Almost everything", "everything", "Nothing really", "nothing"]
    assert label_of(range(5), vague + OTHER, fallback=["everything", "nothing"]).startswith("General remarks")
    assert label_of([5, 6], vague + OTHER, fallback=["crm", "parking"]) == "crm, parking"  # words that name
    assert label_of(range(4), corpus[6:]) == "No pay rise this year"  # a topic that names something keeps it


def test_a_label_never_runs_across_a_conjunction_into_the_next_clause_nor_is_a_hedge():
    dated = ["The knowledge base is not up to date so I guess at the answer",
             "knowledge base never up to date so I guess half the time",
             "Articles are out of date so I guess and hope", "The knowledge base is not up to date so I guess"]
    corpus = dated + PAY + ROTA
    label = label_of(range(4), corpus)
    assert "so I guess" not in label and "date so" not in label.lower()
    assert label == "Knowledge base is not up to date"
    # "So" before a word it intensifies is no break: the clause stays whole.
    slow = ["The system is so slow that customers wait in silence", "so slow that customers wait in silence",
            "System so slow that customers wait in silence again", "It is so slow that customers wait in silence"]
    assert label_of(range(4), slow + PAY + ROTA) == "Customers wait in silence"  # not "Slow that customers…"


def test_two_topics_that_read_the_same_and_sit_close_are_one_topic():
    """Clustering can split one finding by word endings ("No hike", "No hikes"): read as two rows, it looks like a
    duplicate. Merged when their centres are close; kept apart when the same words mean different things there."""
    from research.analysis.topics import Clustering, fit_topics

    singular = ["No hike this year", "no hike for two years", "No hike at all", "no hike again",
                "No hike since I joined"]
    plural = [t.replace("hike", "hikes") for t in singular]
    canteen = ["The canteen food is great", "great canteen food", "Canteen food is great every day",
               "the canteen food is great", "canteen food great"]
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))

    def fit(places):
        vectors = np.vstack([centres[k] + 0.1 * rng.normal(size=16) for k in places])
        clusters = Clustering(np.array([0] * 5 + [1] * 5 + [2] * 5), {}, None)
        return fit_topics(singular + plural + canteen, vectors, measure_stability=False, clustering=clusters)

    close = fit([0] * 10 + [1] * 5)
    assert close.topics == [0] * 10 + [1] * 5 and close.labels == {0: "No hike", 1: "Canteen food is great"}
    apart = fit([0] * 5 + [2] * 5 + [1] * 5)
    assert len(set(apart.topics)) == 3
    assert set(apart.labels.values()) == {"No hike", "No hikes", "Canteen food is great"}


def test_a_key_phrase_pair_never_skips_a_short_word_between():
    from research.analysis.phrases import key_phrases

    texts = ["The bonus depends on targets we can't control", "bonus depends on targets again",
             "Our bonus depends on targets set upstairs", "billing system is slow", "billing system froze",
             "Pay hasn't kept up with rent", "pay hasn’t moved in two years", "The manager's rota is late",
             "my manager's rota again"]
    phrases = set(key_phrases(texts, [-0.5] * 9, min_count=2)["phrase"])
    assert "depends targets" not in phrases and "billing system" in phrases and "bonus depends" in phrases
    assert not [p for p in phrases if "hasn" in p] and "manager rota" in phrases  # an apostrophe splits nothing


def test_a_theme_s_key_phrases_are_what_sets_it_apart_from_the_other_comments():
    from research.analysis.phrases import count_phrases, key_phrases

    tools = ["The CRM froze again, honestly it happens every day", "Good day, but the billing system is slow",
             "The CRM logs me out every day", "billing system crashed, a good day otherwise"]
    others = ["Pay is low, it happens every day", "A good day with my team lead", "Every day the queue is long",
              "No pay rise again", "The queue never ends, good team though"]
    corpus = count_phrases(tools + others)
    shared = set(key_phrases(tools, [-0.5] * 4, min_count=2)["phrase"])
    apart = set(key_phrases(tools, [-0.5] * 4, min_count=2, corpus=corpus)["phrase"])
    assert {"day", "good day"} <= shared
    assert apart == {"crm", "billing system"}


def test_a_label_is_not_cut_before_the_object_it_needs_or_the_word_that_ends_what_it_says():
    freezes = ["The CRM freezes every time I process a refund", "our chat tool freezes every time I process a refund!",
               "Again the billing screen freezes every time I process a refund", "the phone freezes every time I "
               "process a refund, same as last time"]
    nowhere = ["Customer survey comments go nowhere", "customer survey comments go nowhere, nothing changes",
               "Honestly customer survey comments go nowhere", "Our customer survey comments go nowhere."]
    corpus = freezes + nowhere + OTHER
    assert label_of(range(4), corpus) == "Freezes every time I process a refund"
    assert label_of(range(4, 8), corpus) == "Customer survey comments go nowhere"


def test_a_clause_of_stop_words_alone_is_no_phrase_even_when_one_could_end_a_phrase():
    texts = ["Anything.", "anything", "Not enough, again", "Nothing as such", "nothing as such"]
    index = PhraseIndex(texts + OTHER)
    assert [p.text for p in index.phrases(range(5))] == ["Nothing as such"]
