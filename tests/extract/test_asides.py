"""Media and photo captions, translation notes and app promotions in a body."""

import pytest

from pipeline.extract.asides import drop_asides, is_aside


@pytest.mark.parametrize(
    "line",
    [
        # a video's description, date and length (ZDF), a media library's expiry (WDR)
        "Nach dem Angriff auf Israel wurden Sanktionen beschlossen. 18.04.2024 | 0:21 min",
        "05.09.2024 | 2:03 min",
        "02:57 Min.. Verfügbar bis 06.05.2024.",
        # photo captions that say who is pictured where
        "Pictured from left, are romance novelists Therese Beharrie and Kelly L. Clarke.",
        "Murder victims from left: Kaylee Goncalves, Ethan Chapin, Xana Kernodle",
        "The cabinet after the vote (L-R): Smith, Jones and Brown",
        # translation notes
        "Dies ist eine maschinelle Übersetzung eines Artikels unserer US-Kollegen.",
        "Aus dem Englischen von Jan Doolan",
        "Übersetzung: Tristan Oetker-Kast, Redaktion: Theresa Bäuerlein",
        "This article was translated from the Spanish by Ana Ruiz.",
        # app promotions
        "Aktuelle Nachrichten aufs Handy? Hier geht es zur neuen WAZ-News-App.",
        "E-Paper und News in einer App",
        "Download our app for breaking news alerts.",
    ],
)
def test_asides(line: str):
    assert is_aside(line)


@pytest.mark.parametrize(
    "line",
    [
        "The race was won in 2:03:11, a course record.",
        "The meeting lasted from 10:00 to 12:30 and ended without a deal.",
        "Voters on the left of the party pictured a different outcome.",
        "Scientists translated the ancient text over several years of work.",
        "The app lets drivers pay for parking without coins.",
        "Er kam von links und schoss ins lange Eck.",
    ],
)
def test_article_text_is_kept(line: str):
    assert not is_aside(line)


def test_long_lines_are_never_asides():
    line = "Pictured from left, " + " ".join(["word"] * 70)
    assert not is_aside(line)


def test_drop_asides_keeps_order():
    lines = ["First paragraph.", "05.09.2024 | 2:03 min", "Second paragraph."]
    assert drop_asides(lines) == ["First paragraph.", "Second paragraph."]
