import pytest

from research.privacy.redaction import Redactor, redact

ROSTER = ["Priya Natarajan", "Sean O'Neill", "Zoë"]


@pytest.mark.parametrize(
    "text, expected, kinds",
    [
        ("email me at jo.bloggs+work@example.co.uk please", "email me at [email] please", ["email"]),
        ("see https://intranet.example.com/rota?id=7 for it", "see [link] for it", ["url"]),
        ("www.example.org has the policy", "[link] has the policy", ["url"]),
        ("call me on 07700 900123 tomorrow", "call me on [phone] tomorrow", ["phone"]),
        ("my number is +44 (0)20 7946 0958.", "my number is [phone].", ["phone"]),
        ("account 12345678 was charged twice", "account [number] was charged twice", ["number"]),
        ("card 4111 1111 1111 1111 declined", "card [number] declined", ["number"]),
        ("order #99887766-01 never arrived", "order #[number] never arrived", ["number"]),
        ("my supervisor John never backs us up", "my supervisor [name] never backs us up", ["name"]),
        ("team lead Sarah Jones listens", "team lead [name] listens", ["name"]),
        ("manager Mr Smith ignored it", "manager Mr [name] ignored it", ["name"]),
        ("priya natarajan moved my breaks", "[name] moved my breaks", ["name"]),
        ("Sean O'Neill and zoë covered the late shift", "[name] and [name] covered the late shift",
         ["name", "name"]),
    ],
)
def test_identifying_details_are_replaced(text, expected, kinds):
    result = redact(text, ROSTER)
    assert result.text == expected
    assert [r.kind for r in result.replacements] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "the CRM freezes on refunds",
        "my supervisor never backs us up",
        "queue of 40 chats at 9:30 on 12/10/2026",
        "we handle 120 calls a day, 2,500 a month",
        "Mi supervisor nunca nos apoya 😡",
        "<script>alert('x')</script> [link](javascript:alert(1))",
        "",
    ],
)
def test_ordinary_text_is_left_alone(text):
    result = redact(text, ROSTER)
    assert result.text == text and not result.changed


def test_emoji_and_non_english_text_survive_around_redactions():
    result = Redactor(["Łukasz"]).redact("Łukasz 不公平 😡 call 07700 900123")
    assert result.text == "[name] 不公平 😡 call [phone]"


def test_a_roster_name_inside_a_longer_word_is_not_touched():
    assert redact("the annual review was announced", ["Ann"]).text == "the annual review was announced"
