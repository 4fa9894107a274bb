"""Furniture lines in extracted bodies."""

import pytest

from pipeline.extract.furniture import is_furniture, remove_furniture


@pytest.mark.parametrize(
    "line",
    [
        "Share",
        "Advertisement",
        "Read more",
        "Sign up for our newsletter",
        "ANZEIGE",
        "Photo: Getty Images",
        "Credit: Ian West/PA Wire",
        "Story continues below advertisement",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "___",
        "We use cookies to improve your experience. Click accept to continue to the settings.",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "The council shared the costs with the region.",
        "Advertisement revenue fell by a third last year, the company said.",
        "Read more about the plan in the council's report, published on Monday.",
        "Getty Images photographers were at the scene when the roof collapsed.",
    ],
)
def test_article_sentences_are_kept(line):
    assert not is_furniture(line)


def test_remove_furniture_keeps_order():
    assert remove_furniture(["One.", "Share", "Two.", "Advertisement"]) == ["One.", "Two."]


@pytest.mark.parametrize(
    "line",
    [
        "Los geht’s: Von Montag an für 49 Euro im Nahverkehr. Bild: Maximilian von Lachner",
        "The mayor opens the new line on Monday. (Photo by Jane Doe/Getty Images)",
        "Read more: Council approves budget for 2025",
        "ALSO READ: Brace for very bad weather this weekend",
        "Les også: Tone Damli ofret musikkarrieren for barna",
    ],
)
def test_captions_and_read_also_pointers(line):
    assert is_furniture(line)


def test_a_sentence_mentioning_a_photo_is_kept():
    assert not is_furniture(
        "The photo: a crowd of commuters waiting in the rain, was shared widely."
    )


@pytest.mark.parametrize(
    "line",
    [
        # A newsletter box inside the body (dev set: four publishers).
        "- Ground Game: Sign up for our weekly politics newsletter to get it in your inbox.",
        "Get daily insight, inspiration and deals in your inbox",
        "By submitting your information, you confirm you are aged 16 or over,",
        "Privacy Policy.",
        "Terms & Conditions. Geographical rules apply.",
        "Our members get special offers from us. You can check out at any time. Read our Privacy",
    ],
)
def test_newsletter_signup_lines_are_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        # The placeholder of an embed waiting for consent (dev set: two publishers).
        "Ich bin damit einverstanden, dass mir der externe Inhalt angezeigt wird.",
        "Deine Privatsphäre-Einstellungen verhindern das Laden aller externen Inhalte.",
        "Zur Anzeige aktiviere bitte die Einstellungen in den Privatsphäre-Einstellungen.",
        "Please enable cookies to view this content.",
    ],
)
def test_embed_consent_placeholders_are_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "The paper's privacy policy was changed after the ruling, the regulator said.",
        "Millions signed up for the service, and the newsletter now reaches 2 million inboxes.",
        "Gastbeiträge von externen Autorinnen geben nicht die Meinung der Redaktion wieder.",
        "Third-party candidates hurt Biden",
    ],
)
def test_sentences_about_privacy_newsletters_or_external_authors_are_kept(line):
    assert not is_furniture(line)
