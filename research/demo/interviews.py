"""The demo interview study: the guide and answers from 24 agents in six industries.

Answers are assembled from per-theme passages so each industry has its own
story (banking agents talk about metrics, utilities about wrong bills).
"""

from typing import TypedDict

GUIDE = [
    ("How do you hear the voice of the customer: NPS scores, closed-end surveys, comments?",
     ["Who reads the comments?", "What happened the last time a score dropped?"]),
    ("What happens to customer feedback after it reaches you or your team?",
     ["Can you give an example of something that changed?"]),
    ("Do you have the tools and systems you need to solve customers' problems?",
     ["Which system slows you down most?", "What workaround do you use?"]),
    ("How does upper management support frontline agents like you?",
     ["When did you last feel backed up?", "Who do you go to for approval?"]),
    ("How much of your work is customer service, and how much is customer recovery, fixing what broke earlier?",
     ["What sends customers back to you a second time?"]),
    ("What one thing would make your job easier?", []),
]

class Industry(TypedDict):
    site: str
    channels: list[str]  # the channel of each of its four participants
    tool: str


INDUSTRIES: dict[str, Industry] = {
    "retail": {"site": "Leeds", "channels": ["phone", "chat", "e-mail", "store"], "tool": "the order system"},
    "banking": {"site": "Glasgow", "channels": ["phone", "phone", "chat", "e-mail"], "tool": "the core banking screen"},
    "casual dining": {"site": "Leeds", "channels": ["phone", "chat", "store", "e-mail"], "tool": "the booking tool"},
    "utilities": {"site": "Cardiff", "channels": ["phone", "phone", "e-mail", "chat"], "tool": "the billing system"},
    "technical support": {"site": "Cardiff", "channels": ["chat", "phone", "chat", "e-mail"],
                          "tool": "the ticketing tool"},
    "telecommunications": {"site": "Glasgow", "channels": ["phone", "chat", "phone", "store"], "tool": "the CRM"},
}

ROLES = ["agent", "agent", "senior agent", "team lead"]
TENURE = ["under 1 year", "1-3 years", "3-5 years", "over 5 years"]

ANSWERS = {
    0: [
        "We see the NPS score on the team dashboard every morning but the comments only reach the team lead.",
        "The closed-end survey asks if the agent was polite, never whether the problem was fixed, so the score "
        "tells us little.",
        "When the score drops we get a huddle about tone, even when customers were angry about {tool}.",
        "Customers write the same complaint in the survey every week; we read them and nothing happens.",
    ],
    1: [
        "Feedback goes into a monthly report and disappears. I've never seen a process change because of it.",
        "Our team lead collects suggestions but upstairs rarely answers.",
        "Once the returns policy changed after survey comments, and that felt like being heard.",
        "We log repeat complaints in a spreadsheet nobody opens.",
    ],
    2: [
        "{tool} freezes during busy hours and I keep notes on paper so I don't lose them.",
        "I have five screens open because {tool} doesn't show the history; customers wait while I search.",
        "The knowledge base is out of date, so we ask each other on the team chat instead.",
        "The tools are fine for simple calls but anything unusual needs a supervisor override.",
    ],
    3: [
        "Upper management visits twice a year. Day to day, we're on our own.",
        "My supervisor backs me up, but she has no authority to fix the causes either.",
        "We asked for a refund limit so we could solve things on the first call; still waiting after a year.",
        "Since the new manager started, escalations get answered the same day. It's a real change.",
    ],
    4: [
        "Honestly most of my contacts are recovery: wrong bills, late deliveries, orders that broke upstream.",
        "I'd say two thirds of the calls are people coming back because the first fix didn't stick.",
        "Breakage is the word: something breaks in another department and we apologise for it.",
        "Maybe half is real service; the rest is cleaning up after {tool} or a missed callback.",
    ],
    5: [
        "Give us authority to refund small amounts without asking.",
        "Fix {tool} so it stops freezing.",
        "More people on the evening shift.",
        "Tell us what happened to the feedback we send up.",
    ],
}

INDUSTRY_BIAS = {
    # Which answer variant each industry leans towards, per guide question.
    "retail": [0, 2, 1, 3, 0, 0],
    "banking": [2, 0, 3, 1, 1, 0],
    "casual dining": [1, 2, 3, 3, 2, 2],
    "utilities": [3, 3, 0, 2, 0, 1],
    "technical support": [2, 1, 1, 0, 3, 2],
    "telecommunications": [3, 0, 1, 3, 2, 3],
}

INTERVIEWERS = ["researcher-a", "researcher-b"]

# How the two demo coders coded each answer variant: (question, variant) ->
# (codes by the first coder, codes by the second, the words the second coder
# chose when they coded less than the whole answer). The few differences give
# the agreement report something real to show.
FIRST_CODER, SECOND_CODER = "researcher", "researcher-b"
CODING = {
    (0, 0): (["voice_of_customer", "metrics_pressure"], ["voice_of_customer", "metrics_pressure"], None),
    (0, 1): (["voice_of_customer", "metrics_pressure"], ["voice_of_customer"], None),
    (0, 2): (["metrics_pressure", "tools", "difficult_customers"], ["metrics_pressure", "difficult_customers"], None),
    (0, 3): (["voice_of_customer"], ["voice_of_customer"], None),
    (1, 0): (["voice_of_customer", "morale"], ["voice_of_customer", "morale"], None),
    (1, 1): (["voice_of_customer", "management_support"], ["voice_of_customer", "management_support"], None),
    (1, 2): (["voice_of_customer", "recognition"], ["voice_of_customer", "morale"], None),
    (1, 3): (["voice_of_customer", "tools"], ["voice_of_customer", "tools"], None),
    (2, 0): (["tools"], ["tools"], "{tool} freezes during busy hours"),
    (2, 1): (["tools"], ["tools"], None),
    (2, 2): (["tools", "training"], ["tools", "training"], None),
    (2, 3): (["tools", "management_support"], ["tools", "management_support"], None),
    (3, 0): (["management_support", "morale"], ["management_support", "morale"], None),
    (3, 1): (["management_support"], ["management_support"], None),
    (3, 2): (["management_support", "customer_recovery"], ["management_support", "customer_recovery"], None),
    (3, 3): (["management_support"], ["management_support", "recognition"], None),
    (4, 0): (["customer_recovery"], ["customer_recovery"], None),
    (4, 1): (["customer_recovery", "workload"], ["customer_recovery"], None),
    (4, 2): (["customer_recovery"], ["customer_recovery"], None),
    (4, 3): (["customer_recovery", "tools"], ["customer_recovery", "tools"], None),
    (5, 0): (["management_support"], ["management_support"], None),
    (5, 1): (["tools"], ["tools"], None),
    (5, 2): (["workload"], ["workload"], None),
    (5, 3): (["voice_of_customer"], ["voice_of_customer"], None),
}

MEMOS = {
    "customer_recovery": "Every industry describes recovery work; utilities and telecom put it at half or more of "
                         "their contacts. Compare with the pulse recovery-share question.",
    "tools": "The named system differs by industry but the complaint is the same: freezing at peak and missing "
             "history. Worth a tooling gap of its own in the pulse analysis.",
}
