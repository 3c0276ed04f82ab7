"""The demo's people, offers and stories, as plain data."""

DEMO_PASSWORD = "trivsel-demo"
DEMO_USERS = [
    ("koordinator@trivsel.example", "Birgit Holm", "coordinator"),
    ("anne@trivsel.example", "Anne Dahl", "coordinator"),  # covers when Birgit is away
    ("mona@trivsel.example", "Mona Jensen", "volunteer"),
    ("poul@trivsel.example", "Poul Madsen", "volunteer"),
    ("karen@trivsel.example", "Karen Nielsen", "volunteer"),
    ("henrik@trivsel.example", "Henrik Lund", "volunteer"),
    ("lise@trivsel.example", "Lise Kjær", "volunteer"),
    ("partner@trivsel.example", "Susanne Berg", "partner"),
    ("forening@trivsel.example", "Ole Krogh", "partner"),
    ("admin@trivsel.example", "Anders Admin", "admin"),
]
# Follow-on offers: (organisation, offer, description, target group, who, ages, when, where,
# area, contact, categories). The partner plugins' demos make their organisations own theirs.
DEMO_OFFERS = [
    (
        "Ældresagen Fredericia",
        "Computerundervisning for begyndere",
        "Lær at skrive mails, bruge MitID og tale med familien over video. Små hold, "
        "god tid og kaffe.",
        "senior",
        "Seniorer, ingen forudsætninger",
        60,
        None,
        "Tirsdage kl. 10-12",
        "Seniorhuset, Danmarksgade 8",
        "Fredericia",
        "Ole Krogh, 75 92 00 00",
        ("learning", "social"),
    ),
    (
        "Ældresagen Fredericia",
        "Gå-hold langs volden",
        "En rolig gåtur på en time i eget tempo, også med rollator. Kaffe bagefter.",
        "senior",
        "Alle der vil gå i selskab med andre",
        None,
        None,
        "Torsdage kl. 10",
        "Mødested: Prinsens Port",
        "Fredericia",
        "Ole Krogh, 75 92 00 00",
        ("exercise", "social"),
    ),
    (
        "Frivilligcenter Fredericia",
        "Netværksgruppe for ledige",
        "Struktur på ugen, sparring på ansøgninger og et fællesskab med andre i samme situation.",
        "adult",
        "Ledige voksne",
        25,
        67,
        "Mandage kl. 9.30-11.30",
        "Frivilligcentret, Vendersgade 30",
        "Fredericia",
        "frivilligcenter@example.org",
        ("work", "support"),
    ),
    (
        "Frivilligcenter Fredericia",
        "Ungdomsnetværk",
        "Fællesspisning og aktiviteter for unge voksne, der gerne vil møde andre.",
        "young_adult",
        "Unge mellem 18 og 30",
        18,
        30,
        "Onsdage kl. 17-20",
        "Ungdomshuset",
        "Taulov",
        "frivilligcenter@example.org",
        ("social", "creative"),
    ),
]

# The report's five stories, anonymised, published for partner staff.
DEMO_STORIES = [
    (
        "Fra ensomhed til computerhold",
        "En ældre kvinde havde mistet sin mand og sad alene det meste af dagen. En "
        "TrivselsPilot besøgte hende hver uge i tre måneder.\n\nSammen fandt de ud af, "
        "at hun gerne ville kunne skrive til børnebørnene i udlandet. I dag går hun til "
        "computerundervisning hos en ældreforening og har fået nye bekendte.",
    ),
    (
        "Struktur efter en fyring",
        "En bogholder mistede sit job og mistede fodfæstet. Med ugentlige samtaler fik hun "
        "overblik over sin situation og struktur på hverdagen.\n\nEfter to måneder søgte "
        "hun job igen, og hun fik et.",
    ),
    (
        "Tryg nok til at gå i supermarkedet",
        "En ældre kvinde turde ikke gå ud efter et brud. Genoptræningen henviste hende.\n\n"
        "Hendes TrivselsPilot gik med hende og rollatoren, først et kort stykke, så hele "
        "vejen til supermarkedet. Nu går hun selv.",
    ),
    (
        "En far skubbede på",
        "En ung mand med rygsmerter havde givet op. Hans far fik ham til at ringe.\n\n"
        "Ved startsamtalen fandt han selv sine mål, og han fik en frivillig, der passede "
        "til ham.",
    ),
    (
        "Støtte over telefonen",
        "En fraskilt far med angst ville helst have støtten over telefonen. Den første "
        "frivillige kendte familien og sagde nej tak; den næste sagde ja.\n\nSamtalerne "
        "gav ham konkrete teknikker til at turde de ting, han undgik.",
    ),
]


# email prefix: (status, capacity, interests, avoids, days, times, phone only, postcode)
DEMO_PROFILES = {
    "mona": (
        "active",
        1,
        ["mobility", "structure", "unemployment"],
        [],
        ["tue", "thu"],
        ["morning"],
        False,
        "7000",
    ),
    "poul": ("active", 2, ["mental_vulnerability", "structure"], [], [], ["evening"], True, "7000"),
    "karen": (
        "active",
        2,
        ["loneliness", "digital_skills", "grief"],
        [],
        ["mon", "wed"],
        ["morning", "afternoon"],
        False,
        "7000",
    ),
    "henrik": (
        "active",
        1,
        ["illness", "authorities", "unemployment"],
        ["grief"],
        ["mon", "tue", "wed", "thu", "fri"],
        ["afternoon", "evening"],
        False,
        "7080",
    ),
    "lise": ("paused", 2, ["loneliness", "grief"], [], ["mon"], ["morning"], False, "7000"),
}
