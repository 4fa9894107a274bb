"""The publication-date vote."""

from datetime import UTC, datetime

from pipeline.extract.dates import DateCandidate, parse_datetime, url_date, vote

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def c(y, m, d, source, h=0, date_only=False):
    return DateCandidate(datetime(y, m, d, h, tzinfo=UTC), date_only, source)


def test_structured_sources_outvote_conflicting_weak_ones():
    won = vote(
        [
            c(2024, 5, 3, "jsonld", 13),
            c(2024, 5, 4, "time-element"),
            c(2024, 5, 4, "url", date_only=True),
        ],
        NOW,
    )
    assert won.value == datetime(2024, 5, 3, 13, tzinfo=UTC)


def test_agreeing_weak_sources_can_outvote_one_meta_tag():
    won = vote(
        [
            c(2024, 5, 3, "meta-other", 9),
            c(2024, 5, 1, "time-element", 8),
            c(2024, 5, 1, "url", date_only=True),
        ],
        NOW,
    )
    assert won.value.date().isoformat() == "2024-05-01"
    assert won.date_only is False  # the time of day comes from the <time> element


def test_future_dates_are_rejected():
    won = vote([c(2027, 1, 1, "jsonld"), c(2024, 5, 3, "url", date_only=True)], NOW)
    assert won.value == datetime(2024, 5, 3, tzinfo=UTC)


def test_dates_before_1990_are_rejected():
    assert vote([c(1970, 1, 1, "jsonld")], NOW) is None


def test_url_only_date_is_date_only():
    won = vote([url_date("https://example.com/politics/2023/11/07/story.html")], NOW)
    assert won.value == datetime(2023, 11, 7, tzinfo=UTC)
    assert won.date_only


def test_url_compact_date():
    assert url_date("https://example.com/news/20240503-tram").value.day == 3


def test_url_without_date():
    assert url_date("https://example.com/news/12345/tram") is None


def test_discovery_date_kept_when_nothing_else():
    won = vote([c(2022, 3, 1, "discovery", 8)], NOW)
    assert won.source == "discovery"


def test_parse_datetime_normalises_offsets_to_utc():
    value, date_only = parse_datetime("2024-05-03T15:47:42+02:00")
    assert value == datetime(2024, 5, 3, 13, 47, 42, tzinfo=UTC) and not date_only


def test_parse_datetime_date_only_and_rfc2822():
    assert parse_datetime("2024-05-03") == (datetime(2024, 5, 3, tzinfo=UTC), True)
    assert parse_datetime("Fri, 03 May 2024 13:00:00 GMT")[0].hour == 13
    assert parse_datetime("yesterday") is None
