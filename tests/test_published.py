"""``published`` is parsed once, into an aware datetime; the stored string is untouched."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storylens.annotate.times import parse_anchor
from storylens.records import Article, parse_published


def _article(published: str | None) -> Article:
    return Article(id="a", source="s", outlet="o", text="t", published=published)


def test_dates_and_naive_times_are_utc_and_offsets_are_kept():
    assert _article("2021-08-10").published_at == datetime(2021, 8, 10, tzinfo=UTC)
    assert _article("2021-08-10T09:30:00").published_at == datetime(2021, 8, 10, 9, 30, tzinfo=UTC)
    late = _article("2021-08-10T23:30:00-05:00").published_at
    assert late.utcoffset() == timedelta(hours=-5) and late.date() == date(2021, 8, 10)  # the day as written
    assert _article("2021-08-10T09:30:00Z").published_at.tzinfo is not None


def test_the_day_is_what_the_old_slicing_read():
    for value in ("2021-08-10", "2021-08-10T23:30:00+09:00", "2021-08-10T25:99", "2021-08-10 evening"):
        assert parse_published(value).date() == date.fromisoformat(value[:10])
    assert _article(None).published_at is None and _article("yesterday").published_at is None
    assert parse_anchor("2021-08-10T23:30:00-05:00") == date(2021, 8, 10)


def test_the_record_still_serialises_the_string():
    article = _article("2021-08-10T23:30:00-05:00")
    assert article.model_dump()["published"] == "2021-08-10T23:30:00-05:00"
    assert "published_at" not in article.model_dump_json()
    assert article.published_at.astimezone(UTC).date() == date(2021, 8, 11)
