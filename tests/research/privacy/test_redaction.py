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


@pytest.mark.parametrize("text, name", [
    # Each was read through a first, broader rule by an insider review; the names must go, whatever else does.
    ("Sara è sempre in ritardo e nessuno dice niente.", "Sara"),  # a function word somewhere, a first name here
    ("Ho parlato con la sara ma lei non risponde mai.", "sara"),
    ("La supervisora è: Sara. Non risponde mai ai messaggi.", "Sara"),  # after a colon
    ("Ella never picks up her phone. La supervisora no hace nada y los clientes se quejan.", "Ella"),
    ("Ik heb het aan Jan van der Berg gevraagd maar hij doet niets.", "Berg"),  # particles stay in the name
    ("J'ai parlé avec Le Goff mais la superviseure ne fait rien pour nous.", "Goff"),
    ("Ayşe'ye sordum ama bana hiç yardım etmedi ve müdür de bir şey yapmadı.", "Ayşe"),  # Turkish case ending
    ("Mehmet'in yüzünden her gün geç kalıyoruz.", "Mehmet"),
    ("Ho chiesto all'Ilaria ma non risponde.", "Ilaria"),  # Italian elision
    ("Ho parlato con Mia e la mia supervisora non risponde mai.", "Mia"),
    ("ask dan or les about the rota", "les"),  # English: "les" is a name
    # ... and by a second review of a narrower rule, which spared a language's function words that are surnames
    ("Nagy mindig kiabál velünk, és nem segít senkinek. Ez nem jó.", "Nagy"),
    ("Allende siempre llega tarde y luego se va pronto. Nadie dice nada.", "Allende"),
    ("Bueno never helps. Es muy injusta con los nuevos y no nos ayuda.", "Bueno"),
    ("ik heb met jan van der berg gesproken maar hij doet niets", "berg"),
    ("D'lima never helps anyone on the floor", "lima"),  # a one-letter head is part of the name
    ("talk to O'hara about it", "hara"),
    ("ask Da'shawn about it", "shawn"),  # read whole, as before: "Da" alone is no name to read it by
])
def test_names_in_another_language_are_still_replaced(text, name):
    """Read through rules that spared other languages' function words (since withdrawn); the names must go."""
    assert name not in Redactor().redact(text).text


def test_a_roster_name_inside_a_longer_word_is_not_touched():
    assert redact("the annual review was announced", ["Ann"]).text == "the annual review was announced"


ISSUE_ROSTER = ["Dave Jones", "Zoë Brontë", "Sarah Connor"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my supervisor is Kevin Smith", "my supervisor is [name]"),
        ("Sarah Jones on my team agrees", "[name] on my team agrees"),
        ("Dave is awful", "[name] is awful"),
        ("Sarah  Connor moved my break", "[name] moved my break"),
        ("ask sarah.connor", "ask [name]"),
        ("zoe bronte covered for me", "[name] covered for me"),
        ("ZOE BRONTE covered for me", "[name] covered for me"),
        ("john.smith(at)bank(dot)com", "[email]"),
        ("write to dave at hotmail dot com", "write to [email]"),
        ("jo dot bloggs at gmail dot com", "[email]"),  # the whole address, not "jo dot [email]"
        ("Ask Sarah Johnson.", "Ask [name]."),  # the cue before a name is no part of it
        ("Tell Dave Smith I said hi", "Tell [name] I said hi"),
        ("Call Priya about the rota", "Call [name] about the rota"),
        ("Will Smith said no", "[name] said no"),  # a word that starts a name stays redacted with it
        ("sarah_j [at] outlook [dot] com", "[email]"),
        ("log in at bank.com/login.", "log in at [link]."),
        ("the form is on example.co.uk", "the form is on [link]"),
        ("twitter @kevsmith99", "twitter [handle]"),
    ],
)
def test_the_details_agents_actually_write_are_replaced(text, expected):
    assert Redactor(ISSUE_ROSTER).redact(text).text == expected


def test_roster_names_match_by_parts_whatever_the_case_accents_and_spacing():
    redactor = Redactor(["Zoë Brontë", "Grace Long"])
    assert redactor.redact("Brontë said no").text == "[name] said no"  # a distinctive surname alone
    assert redactor.redact("bronte said no").text == "[name] said no"
    assert redactor.redact("zoe said no").text == "[name] said no"  # a first name alone, even in lower case
    assert redactor.redact("Grace said no").text == "[name] said no"
    # A first name that is a word needs its capital, and a surname that is a word is not matched alone.
    assert redactor.redact("no grace period, it took a long time").text == "no grace period, it took a long time"
    assert redactor.redact("grace long said no").text == "[name] said no"  # the whole name, in any case


@pytest.mark.parametrize("typed, redacted", [  # "Big Kev" was kept whole (an insider review)
    ("Big Kev never answers", "Big [name] never answers"), ("big kev never answers", "big [name] never answers"),
    ("kev is lazy", "[name] is lazy"), ("ask liz about it", "ask [name] about it"),
    ("Kev Okafor said no", "[name] said no"), ("Bill never answers the phone", "[name] never answers the phone"),
    ("ask bill about the bill", "ask [name] about the bill"), ("kev's rota is a mess", "[name]'s rota is a mess"),
])
def test_nicknames_of_roster_names_are_names(typed, redacted):
    assert Redactor(["Kevin Okafor", "Elizabeth Hart", "William Reed"]).redact(typed).text == redacted


@pytest.mark.parametrize("typed", [
    "the bill never arrives", "Internet Bill, Laptop", "Bell curve system", "there wil be no hike",
    "Rich values and culture", "Will we ever get a raise?", "we bill customers monthly",
])
def test_nicknames_that_are_words_keep_their_words(typed):
    assert Redactor(["Kevin Okafor", "William Reed", "Richard Stone"]).redact(typed).text == typed


def test_a_first_name_cut_short_is_a_name_unless_the_cut_is_a_word():
    redactor = Redactor(["Sanjay Patel", "Siobhan Kelly", "Julian Cross", "Constance Bell", "Godfrey Lamb"])
    assert redactor.redact("Sanj is lazy and siob never helps").text == "[name] is lazy and [name] never helps"
    kept = "busy season Jul to December. Cons: by God's grace it came"  # real reviews' words, a roster beside
    assert redactor.redact(kept).text == kept


@pytest.mark.parametrize("typed, redacted", [  # a second insider review of 2026-12-07, all kept whole before
    ("🅾🅺🅰🅵🅾🆁 is the worst manager", "[name] is the worst manager"),
    ("🇴🇰🇦🇫🇴🇷 takes all the credit", "[name] takes all the credit"),
    ("O\nk\na\nf\no\nr is the worst", "[name] is the worst"),
    ("ask ɹoɟɐʞO about it", "ask [name] about it"), ("ɹoɟɐʞO ɯoʇ", "[name]"),
    ("0|<4f0r and |<3v1n are the problem", "[name] and [name] are the problem"),
    ("rofakO moT is the worst", "[name] is the worst"), ("r o f a k O ignores it", "[name] ignores it"),
    ("Oka for ignores it", "[name] ignores it"), ("Ok af or takes credit", "[name] takes credit"),
    # a third review's
    ("the Okafors never help", "the [name] never help"), ("#sackokafor", "[name]"), ("#KevinOut now", "[name] now"),
    ("O  k  a  f  o  r is a bully", "[name] is a bully"), ("O****r is a bully", "[name] is a bully"),
    ("K*vin M*rsh", "[name] [name]"), ("Oka.for is a bully", "[name] is a bully"),
    ("tom o never helps", "[name] never helps"), ("Tom O. said", "[name] said"), ("K Marsh said", "[name] said"),
    ("marsh.k is a bully", "[name] is a bully"), ("ugh kevinnn again", "ugh [name] again"),
])
def test_a_roster_name_drawn_backwards_in_pieces_or_in_other_letters_is_a_name(typed, redacted):
    assert Redactor(["Tom Okafor", "Kevin Marsh", "Turner Page"]).redact(typed).text == redacted


@pytest.mark.parametrize("typed", ["a page turner", "for get it", "turn er", "the tom-tom", "oka for sale",
                                   "my |<ids", "the marshes are wet", "f**k this rota", "a white paper",
                                   "Will check with my TL tomorrow", "Will escalate if needed",
                                   "Mark as resolved never works", "ask frank questions in 1:1s"])
def test_words_that_read_as_a_roster_name_only_backwards_or_joined_stay(typed):
    assert Redactor(["Tom Okafor", "Noel Pageturner", "Kevin Marsh", "Will Turner", "Mark Young",
                     "Arthur White"]).redact(typed).text == typed


ROSTER_WITH_INITIALS = ["Harriet Green", "Kate Moss", "Oliver Kent", "Priya Rao", "Jaya Patel", "Siobhan Okafor",
                        "Sanjay Patel", "Kevin Marsh", "Jack Turner", "Mark Brown", "Tina Vance"]


@pytest.mark.parametrize("typed, redacted", [  # a measurement of 2026-12-07 saw "HG said" kept four times of five
    ("HG said I was lazy", "[name] said I was lazy"), ("ask HG about it", "ask [name] about it"),
    ("HG's team is chaos", "[name]'s team is chaos"), ("HG is useless", "[name] is useless"),
    ("thanks HG", "thanks [name]"), ("KM told me off", "[name] told me off"), ("ask PR", "ask [name]"),
    # a second measurement's (32 of 62 came through)
    ("(MB) moved my shift", "([name]) moved my shift"), ("HGs team is toxic", "[name] team is toxic"),
    ("HG and JT were shouting again", "[name] and [name] were shouting again"),
    ("MB/JT/OK get the overtime", "[name]/[name]/[name] get the overtime"),
])
def test_a_roster_names_initials_without_dots_are_a_name_where_a_person_is_spoken_of(typed, redacted):
    assert Redactor(ROSTER_WITH_INITIALS).redact(typed).text == redacted


@pytest.mark.parametrize("typed", [
    "KM articles are out of date", "no OT is given", "PR is slow to merge", "OK fine", "the HG team",
    "I started at JP Associates and JP is fine", "MD, SM and the rest", "Managers in SR are weak", "500 MB of logs",
    "TV screens in the break room are broken", "AS USUAL THE QUEUE IS FULL",
])
def test_capitals_that_are_initials_but_name_no_one_spoken_of_stay(typed):
    assert Redactor(ROSTER_WITH_INITIALS + ["Sam Rao", "Mo Day"]).redact(typed).text == typed


@pytest.mark.parametrize("typed, redacted", [  # misspelt roster names came through 4 times of 11 (same measurement)
    ("Siobahn never helps", "[name] never helps"), ("okafr is a bully", "[name] is a bully"),
    ("ask sanjai about it", "ask [name] about it"), ("Kevni said no", "[name] said no"),
    ("tell Patle", "tell [name]"),
])
def test_a_roster_name_typed_with_one_slip_is_a_name(typed, redacted):
    assert Redactor(ROSTER_WITH_INITIALS).redact(typed).text == redacted


@pytest.mark.parametrize("typed", ["I work in India", "the pastel walls are peeling", "India and Delhi offices"])
def test_words_and_places_one_slip_from_a_roster_name_stay(typed):
    """One slip from the roster's "Indira" is "India", and from "Patel" "pastel": neither is that person."""
    assert Redactor(["Indira Shah", "Sanjay Patel", "Kevin Marsh"]).redact(typed).text == typed


def test_a_name_found_whole_is_not_cut_by_a_slip_read_in_one_of_its_parts():
    """"Sharda" is one slip from a roster's "Sharma": read first, it left "Sanjay" beside it (real text, 300 names)."""
    text = "the worst experience was to work with Parag Thakkar & Sanjay Sharda"
    assert Redactor(["Rohit Sharma"]).redact(text).text.endswith("[name] & [name]")


def test_a_roster_particle_is_part_of_a_name_not_a_name_of_its_own():
    """With Jan van der Berg on the roster, every "der" was replaced (an insider review); so was every "de"."""
    redactor = Redactor(["Jan van der Berg", "Laszlo Nagy", "Yu Chen", "Sean O'Hara"])
    assert redactor.redact("Ask van der Berg about it").text == "Ask [name] about it"
    text = 'Our German form labels the field "der" and the script says van and der in lower case.'
    assert redactor.redact(text).text == text
    # any other part is matched whatever the case, as before (a review saw "nagy" and "yu" go through a rule
    # that asked every other language's function word for a capital)
    for typed in ("nagy keeps shouting at us", "NAGY keeps shouting at us", "ask yu about the rota",
                  "O'hara never helps"):
        assert "[name]" in redactor.redact(typed).text and not {"nagy", "yu", "hara"} & set(
            redactor.redact(typed).text.lower().replace("'", " ").split()), typed


@pytest.mark.parametrize(
    "text",
    [
        "Salesforce, Genesys and Zendesk all froze; the CRM too",
        "Five9 and Avaya both drop calls, ServiceNow tickets go nowhere",
        "Teams and Slack are fine, Excel macros break, SAP and Oracle are slow",
        "Will we ever get a pay rise?",
        "May I say the rota is worse than in May",
        "there is no grace period and I will mark it as done",
        "see the policy.It was changed",
        "the bonus changed on 2026-03-01 and at 9:30 on 12/10/2026",
    ],
)
def test_tools_and_ordinary_words_survive(text):
    result = Redactor(ISSUE_ROSTER).redact(text)
    assert result.text == text, result.replacements


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Will is awful at one to ones", "[name] is awful at one to ones"),
        ("I asked Grace for help", "I asked [name] for help"),
        ("May told me to stay late", "[name] told me to stay late"),
        ("Chinedu Okeke and Wei Zhang covered", "[name] and [name] covered"),
        ("thanks to Dr. Patel", "thanks to Dr. [name]"),
        ("my employee ID is E204518", "my employee ID is [number]"),
        ("badge 30917 stopped working", "badge [number] stopped working"),
        ("I live at 14 Station Road", "I live at [address]"),
    ],
)
def test_names_that_are_words_need_a_persons_context_and_codes_need_digits(text, expected):
    assert Redactor().redact(text).text == expected


def test_replacements_say_where_they_were_so_spans_can_follow_them():
    text = "ask Kevin Smith on 07700 900123 now"
    result = Redactor().redact(text)
    assert [(r.kind, r.original, text[r.start:r.end]) for r in result.replacements] == [
        ("name", "Kevin Smith", "Kevin Smith"), ("phone", "07700 900123", "07700 900123")]
    now = text.index("now")
    assert result.text[result.position(now):] == "now"
    assert result.position(text.index("Smith")) == result.text.index("[name]")  # inside a name: its start
    assert result.position(text.index("Smith"), end=True) == result.text.index("[name]") + len("[name]")


@pytest.mark.parametrize("text, expected", [
    ("Zendesk again. S a r a h C o n n o r too.", "Zendesk again. [name] too."),  # a roster name, letters apart
    ("J O H N  S M I T H shouted at me.", "[name] shouted at me."),  # any name, its words two spaces apart
    ("K.E.V.I.N is my manager", "[name] is my manager"),
    ("z o e  b r o n t e again", "[name] again"),
])
def test_a_name_spelled_out_letter_by_letter_is_replaced(text, expected):
    assert redact(text, ["Sarah Connor", "Zoe Bronte"]).text == expected


@pytest.mark.parametrize("text", [
    "the C R M is down again", "N O T H I N G works", "I am S O  T I R E D of this", "I m a agent here",
    "P L E A S E fix the I V R", "R O T A changes every week", "T E A M S keeps crashing",
])
def test_spaced_out_words_and_acronyms_are_not_names(text):
    assert redact(text, ["Sarah Connor"]).text == text


@pytest.mark.parametrize("typed, redacted", [  # an insider review's, 2026-12-07, kept whole before
    ("call me on seven seven zero zero nine one two three four", "call me on [phone]"),
    ("staff number eight eight two one three", "staff number [number]"),
    ("my login is jsmith2", "my login is [number]"),
    ("DOB 12/03/1988", "DOB [number]"),
    ("born on 4 May 1990, so", "born on [number], so"),
    ("reach me at priya dot r at gmail", "reach me at [email]"),
    # a second insider review's
    ("mail jdoe77 at outlook", "mail [email]"),
    ("my pin is one two three four", "my pin is [number]"),
    ("my badge is 4 4 7 1 9", "my badge is [number]"),
    ("card ends in 4821", "card ends in [number]"),
    ("my birthday is 12 march", "my birthday is [number]"),
    ("born 12th March '88", "born [number]"),
    ("my login name is grace.n", "my login name is [number]"),
    # a third insider review's
    ("dob: twelve march eighty eight", "dob: [number]"),
    ("born on the first of may nineteen ninety", "born on the [number]"),
    ("i live at 12 oak street", "i live at [address]"),
    ("flat 3, 22 baker st", "flat 3, [address]"),
    ("my postcode is ls1 4ap", "my postcode is [address]"),
    ("zip code 90210", "zip code [address]"),
    # a fourth insider review's
    ("Jo\u200bhn Sm\u200bith shouted", "[name] shouted"),
    ("mail jsmith\uff20company\uff0ecom", "mail [email]"),
    ("contact jsmith @ bank . com", "contact [email]"),
    ("insta: priya_r88", "insta: [handle]"),
    ("tell D.J. Patel he owes me a shift", "tell [name] he owes me a shift"),
    ("J. Smith said no", "[name] said no"),
    ("my manager mr. okonkwo never listens", "my manager mr. [name] never listens"),
    ("S-A-R-A-H on billing", "[name] on billing"),
    ("j0hn sm1th ignores every escalation", "[name] ignores every escalation"),
    ("my bday is 12th march", "my bday is [number]"),
    ("I turned 40 on the 3rd of March", "I turned 40 on the [number]"),
    ("flat 3 22 baker street leeds ls1 4ap", "flat 3 [address] leeds [address]"),
    ("linkedin dot com slash in slash priya-ramanathan", "[link]"),
    ("ask bill about the bill, he never fixes it", "ask [name] about the bill, he never fixes it"),
    ("my manager frank never listens", "my manager [name] never listens"),
    ("my mobile is 07700 nine hundred 123", "my mobile is [phone]"),
    ("call me on 07700 9OO 123", "call me on [phone]"),
    ("born on christmas day 1988", "born on [number]"),
    ("I turned forty on the ninth of december", "I turned forty on the [number]"),
    ("number fourteen oak road is my house", "[address] is my house"),
    ("email t o k a f o r @ bank dot com", "email [email]"),
    ("my postcode is L S 1 4 A P", "my postcode is [address]"),
    ("zip 9 0 2 1 0 thanks", "zip [address] thanks"),
    # a fifth insider review's
    ("Mr Q never signs off my leave", "Mr [name] never signs off my leave"),
    ("ask Ms. K. about the rota", "ask Ms. [name] about the rota"),
    ("I'm at L S 1 4 A P if anyone cares", "I'm at [address] if anyone cares"),
    ("email pj.harrow (@) bank (.) com about it", "email [email] about it"),
    ("text pjharrow at bank d0t com", "text [email]"),
    ("his number is seven seven hundred, nine hundred, one two three", "his number is [phone]"),
    # a third insider review's of that day
    ("his bday 12/3", "his bday [number]"), ("dob: 12 / 03 / 1988", "dob: [number]"), ("b. 12/03/1988", "b. [number]"),
    ("he was born in march 88", "he was born in [number]"), ("age 35, born 1988", "age 35, born [number]"),
    ("he lives at twelve Oak Street", "he lives at [address]"),
    ("she lives on Acacia Avenue", "she lives on [address]"),
    ("PO Box 1234", "[address]"), ("LS1-4AP", "[address]"), ("ni no ab 12 34 56 c", "ni no [number]"),
    ("discord kev#1234", "discord [handle]"), ("my gmail is xj99", "my gmail is [email]"),
    ("text me 07700 nine 0 0 one 2 3", "text me [phone]"), ("07700—900—123", "[phone]"),
    ("xj99@gmail·com", "[email]"), ("xj99&#64;proton.me", "[email]"), ("xj99%40proton.me", "[email]"),
    # left by that review, found since
    ("mail me xj99 at gmail dot c o m", "mail me [email]"), ("write to xj99 @ g mail . com", "write to [email]"),
    ("my g mail is xj99", "my g mail is [email]"), ("call 07700/900/123 after 6", "call [phone] after 6"),
    ("she lives at L.S.1 4.A.P", "she lives at [address]"), ("I live at sw1a1aa now", "I live at [address] now"),
    # a name no word list holds is still a name, though it reads as two words ("san" + "jay", "mon" + "dal")
    ("sanjay never answers", "[name] never answers"), ("Priti Mondal is the HR partner", "[name] is the HR partner"),
])
def test_details_written_as_people_say_them_are_redacted(typed, redacted):
    assert redact(typed).text == redacted


@pytest.mark.parametrize("typed", [
    "one or two calls", "five, six, maybe seven calls an hour", "nine to five, five days a week",
    "my login is broken", "the login is slow since 2.0", "i was born in leeds", "email me at gmail",
    "since 12/03/2024 the CRM is slow", "look at outlook", "the account is one of two", "my number one priority",
    "I was born in march", "we did 3 4 5 calls", "born to do this job", "a 10 minute drive away",
    "it's 2 streets away", "my birthday is next week", "part of J.P. Morgan", "Dear sir/mam, help",
    "see you at 5am", "the b2b team", "g00d job", "on insta all day", "an x-ray", "e-mail me",
    "on the m25 4th time", "a1 2nd floor", "bill never arrives on time", "they asked us to come back",
    "my colleague come from many places", "worst manager ever", "frank feedback helps",
    "my number one priority is 2 things", "phone rang 3 times in one hour", "merry christmas day everyone",
    "the number one road to success", "i turned 40 last year", "we were born to serve",
    "I MISS A LOT OF BREAKS", "I got an A in the QA check", "we miss a lot", "take the A 1 2 route",
    "the number is two hundred and fifty", "phone rang three hundred times", "We love 🇬🇧 and 🇺🇸 flags",
    "plan:\na\nb\nc\nthen go", "a |_ shaped desk",
    "born to serve", "the 12/3 split", "lives on the edge", "born in march", "twelve Angry Men", "issue #1234",
    "the gmail is down", "meet at Main Street", "well—I think", "40%40 times",
    "since 01/02/2023 the CRM is slow", "I asked at work dot a b c", "gmail dot com is down",
    # newer words run together, which Webster's list lacks: once taken for names before "is" and the like
    "postcode is wrong on the form", "payslip is late again", "Voicemail is full", "Daycare is provided",
    "A growth mindset will help", "timesheet was rejected",
])
def test_the_same_words_in_plain_speech_are_kept(typed):
    assert redact(typed).text == typed


INSIDER_ROSTER = ["Tom Okafor", "Priya Shah", "Kevin Marsh", "Grace Hill", "Will Turner", "Siobhan Kelly"]


@pytest.mark.parametrize("typed, redacted", [  # an insider review of 2026-12-07's evening, all kept whole before
    ("tom covered my shift", "[name] covered my shift"),
    ("kev and tom covered my shift", "[name] and [name] covered my shift"),
    ("Tom, you are the worst TL", "[name], you are the worst TL"),
    ("shout out to tom, grace and will", "shout out to [name], [name] and [name]"),
    ("Tom, Priya and Kevin are the worst TLs", "[name], [name] and [name] are the worst TLs"),
    ("Marsh/Hill run the rota", "[name]/[name] run the rota"), ("Okafor+Shah", "[name]+[name]"),
    ("TLs: Hill, Marsh", "TLs: [name], [name]"),
    ("Hill, Grace (Team 4) never replies", "[name], [name] (Team 4) never replies"),
    ("tom okafor at frontline dot co dot uk", "[name] [email]"),
    ("her eircode is D02 X285", "her eircode is [address]"),
    ("add her on insta at jane_doe99", "add her on insta at [handle]"),
    ("find her on tiktok as janedoe99", "find her on tiktok as [handle]"), ("reddit u/janedoe99", "reddit [handle]"),
    ("she lives in LS6, 2AB to be exact", "she lives in [address] to be exact"), ("LS6 2 AB", "[address]"),
    ("ls6/2ab", "[address]"), ("born 12.03.88", "born [number]"), ("born 12-03-88", "born [number]"),
    ("Mrs H is a bully", "Mrs [name] is a bully"), ("pshah never replies on Teams", "[name] never replies on Teams"),
    ("mail jane at example.com", "mail [email]"), ("Hilly is a bully", "[name] is a bully"),
    ("Marshy shouts at us", "[name] shouts at us"), ("Tommo is lazy", "[name] is lazy"),
])
def test_roster_names_in_lists_and_called_out_and_details_split_apart_are_redacted(typed, redacted):
    assert Redactor(INSIDER_ROSTER).redact(typed).text == redacted


@pytest.mark.parametrize("typed, redacted", [  # the same review's words lost, kept since
    ("the rota is a joke and tom never approves leave", "the rota is a joke and [name] never approves leave"),
    ("max hold time should be 2 mins", "max hold time should be 2 mins"),
    ("April targets are unrealistic", "April targets are unrealistic"),
    ("@here messages in Teams are spammed", "@here messages in Teams are spammed"),
    ("the new guy Ravi", "the new guy [name]"), ("Will will not approve my leave", "[name] will not approve my leave"),
    ("Will we ever get a raise? Mark as resolved. Grace period ends",
     "Will we ever get a raise? Mark as resolved. Grace period ends"),
    ("we will, and we must, fix the queue", "we will, and we must, fix the queue"),
    ("the hilly route to work floods", "the hilly route to work floods"),
    ("reset it at bank.com", "reset it at [link]"),
    ("we handle the Santander account, Sky and BT", "we handle the Santander account, Sky and BT"),
])
def test_words_beside_roster_names_keep_their_meaning(typed, redacted):
    assert Redactor(INSIDER_ROSTER).redact(typed).text == redacted


WORD_ROSTER = ["Daniel Price", "Aisha Begum", "Mark Young", "Rose Wood", "Dean Ford", "Joy Park", "Lee Chen",
               "Faith Brown", "Amir Hussain", "Bethany Cole", "Arthur White"]


@pytest.mark.parametrize("typed, redacted", [  # a second review that evening, with a roster of word-names
    ("dean needs to go", "[name] needs to go"), ("honestly lee is the reason half the team left",
                                                  "honestly [name] is the reason half the team left"),
    ("massive thanks to lee for covering my shift", "massive thanks to [name] for covering my shift"),
    ("the new tl mark needs training himself", "the new tl [name] needs training himself"),
    ("me n faith got told off for nothing", "me n [name] got told off for nothing"),
    ("mark youngs attitude stinks", "[name] attitude stinks"), ("daniel prices team", "[name] team"),
    ("lees team is the worst", "[name] team is the worst"), ("deans a legend", "[name] a legend"),
    ("d price never listens", "[name] never listens"), ("d. price again", "[name] again"),
    ("beth cole is great", "[name] is great"), ("cheers dan", "cheers [name]"),
    # a third review's (a measurement, then these mended)
    ("my DOB is 14/03/1989 and the system has it wrong", "my DOB is [number] and the system has it wrong"),
    ("Price's approach to QA scoring is unfair", "[name]'s approach to QA scoring is unfair"),
    ("lee sorted my payslip issue", "[name] sorted my payslip issue"), ("well done faith", "well done [name]"),
    ("Dean made a new starter cry", "[name] made a new starter cry"),
])
def test_a_roster_of_word_names_is_read_where_people_type_them(typed, redacted):
    assert Redactor(WORD_ROSTER).redact(typed).text == redacted


@pytest.mark.parametrize("typed", [
    "please mark the call as resolved only when the customer confirms", "the young ones on nights do most calls",
    "i have faith the new ceo will sort things", "park near the depot, not in the customer bays",
    "the price increase means more angry callers", "hr took six weeks to answer a simple question",
    "the rota for december came out far too late", "the summer bbq was cancelled again",
    "a white paper on handle time", "the marks team moved floors", "he marks a call as resolved too early",
    "the wood's edge by the car park",
])
def test_the_same_words_as_ordinary_words_stay_with_that_roster(typed):
    assert Redactor(WORD_ROSTER).redact(typed).text == typed


def test_a_roster_surname_in_capitals_of_three_letters_or_fewer_is_an_acronym():
    """With a La and an Md on a 300-name roster, real reviews lost "LA" and "MD's" to the surname rules."""
    redactor = Redactor(["Ana La", "Sam Md"])
    for kept in ("ED's and MD's are the problem", "the streamlined process and LA fixed it"):
        assert redactor.redact(kept).text == kept
    assert redactor.redact("and La fixed it").text == "and [name] fixed it"
