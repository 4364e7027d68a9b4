"""Reports in two languages about one event (issue 18): one story, one fact across the
languages, a conflict across them, and right-to-left claims in the HTML.

The fixtures (tests/fixtures/crosslingual/) are ours: an English and an Arabic report of an
invented factory fire that agree on the day, the evacuated, the injured, the workforce and
the year the factory opened, and disagree on the dead (12 / 15); and an Arabic report of
another fire (another town, another day's dead) that must stay a story of its own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens.annotate import annotate
from storylens.annotate.multilingual import chinese_numeral, numbers_in

FIXTURES = Path(__file__).parent / "fixtures" / "crosslingual"
ENGLISH, ARABIC, OTHER_FIRE = "en-harbour-times.txt", "ar-sahil-news.txt", "ar-wadi-post.txt"
MARKDOWN: list[str] = []  # the run's Markdown report


def test_numbers_in_other_scripts_and_chinese_numerals():
    found = [(q.text, q.value) for q in numbers_in("قتل ١٢ شخصا وأصيب 1,250 و۴۰ نفر، 十二人 5万人 三百五十名 统一")]
    assert found == [("١٢", 12.0), ("1,250", 1250.0), ("۴۰", 40.0), ("十二", 12.0), ("5万", 50000.0),
                     ("三百五十", 350.0)]
    assert chinese_numeral("两万三千") == 23000 and chinese_numeral("十") == 10


def test_dates_are_read_in_the_article_language():
    arabic = annotate("اجتاح حريق مصنعا في 14 مارس، مما أسفر عن مقتل ١٥ عاملا.", published="2026-03-15",
                      language="ar")
    assert [(t.text, t.value) for t in arabic.times] == [("14 مارس", "2026-03-14")]
    assert [q.value for q in arabic.quantities] == [15.0]  # the day is a date, not a count
    chinese = annotate("3月3日，十二人在爆炸中丧生。", published="2026-03-15", language="zh")
    assert [t.value for t in chinese.times] == ["2026-03-03"] and [q.value for q in chinese.quantities] == [12.0]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xling")
    for name in (ENGLISH, ARABIC, OTHER_FIRE, "manifest.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    from storylens.cli import cli

    out = folder / "out"
    result = CliRunner().invoke(cli, [
        "analyze", str(folder / ENGLISH), str(folder / ARABIC), str(folder / OTHER_FIRE),
        "--manifest", str(folder / "manifest.csv"), "--db", ":memory:", "-q",
        "-o", str(out / "r.json"), "-o", str(out / "r.html"), "-o", str(out / "r.md"),
    ])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    source = {a["id"]: Path(a["source"]).name for a in data["articles"]}
    MARKDOWN.append((out / "r.md").read_text(encoding="utf-8"))
    return data, source, (out / "r.html").read_text(encoding="utf-8")


def _story_of(data, source, name):
    return next(s for s in data["stories"] if any(source[a] == name for a in s["article_ids"]))


def test_one_story_across_languages_and_the_other_fire_apart(run):
    data, source, _ = run
    story = _story_of(data, source, ENGLISH)
    assert sorted(source[a] for a in story["article_ids"]) == sorted([ARABIC, ENGLISH])
    assert [source[a] for a in _story_of(data, source, OTHER_FIRE)["article_ids"]] == [OTHER_FIRE]


def test_agreeing_claims_in_two_languages_are_one_fact(run):
    data, source, _ = run
    story = _story_of(data, source, ENGLISH)
    by_id = {a["id"]: a for a in data["articles"]}
    crossing = [f for f in story["facts"] if {by_id[c["article_id"]]["language"] for c in f["claims"]} == {"en", "ar"}]
    evacuated = [f for f in crossing if any("200 workers were evacuated" in c["text"] for c in f["claims"])]
    assert len(evacuated) == 1, [f["text"] for f in crossing]
    fact = evacuated[0]
    assert fact["status"] == "corroborated" and fact["independent_outlets"] == 2
    arabic = [c["text"] for c in fact["claims"] if source[c["article_id"]] == ARABIC]
    assert arabic and "٢٠٠" in arabic[0]  # the Arabic claim in its own script and digits


def test_the_dead_conflict_across_languages(run):
    data, source, _ = run
    story = _story_of(data, source, ENGLISH)
    conflicts = [(f, c) for f in story["facts"] for c in f["conflicts"] if c["kind"] == "number"]
    assert len(conflicts) == 1, [c["detail"] for _, c in conflicts]
    fact, conflict = conflicts[0]
    assert fact["status"] == "conflicting"
    assert "12" in conflict["detail"] and "15" in conflict["detail"]
    assert {source[c["article_id"]] for c in conflict["claims"]} == {ENGLISH, ARABIC}


def test_arabic_claims_are_shown_right_to_left(run):
    data, source, page = run
    arabic_id = next(a for a, name in source.items() if name == ARABIC)
    story = _story_of(data, source, ENGLISH)
    claim = next(c for f in story["facts"] for c in f["claims"] if c["article_id"] == arabic_id)
    from html import escape

    shown = f'<span class="who">Al-Sahil News</span> <span lang="ar" dir="rtl">{escape(claim["text"][:40], quote=False)}'
    assert shown in page  # in the fact's list of who says so, marked Arabic and right to left
    english = next(c for f in story["facts"] for c in f["claims"] if c["article_id"] != arabic_id)
    assert f'<span class="who">Harbour Times</span> <span lang="en">{escape(english["text"][:30], quote=False)}' in page


def test_places_are_found_by_their_names_in_other_scripts():
    from storylens.annotate.multilingual import places_in

    cases = {
        "قالت الشرطة إن انفجارا وقع في الموصل وإن عشرة جرحى نقلوا إلى بغداد.": ["Mosul", "Baghdad"],
        "وكان المصنع قد افتتح في البصرة.": ["Basrah"],  # "كان" (was) is Cannes's Arabic name too: a word here
        "喀布尔发生爆炸，伤者被送往伦敦。": ["Kabul", "London"],
        "یکی از زخمیان در کابل بستری شد.": ["Kabul"],  # "یکی" (one) names a Japanese town: a word here
        "Взрыв прогремел в Кабуле, сообщила Москва.": ["Moscow"],  # an inflected name is not read
    }
    for text, names in cases.items():
        found = places_in(text)
        assert [p.name for p in found] == names, (text, found)
        assert all(text[p.start:p.end] == p.text for p in found)
    kabul = places_in("喀布尔")[0]
    assert kabul.country == "AF" and abs(kabul.lat - 34.5) < 0.5  # resolved to coordinates, as in English
    countries = places_in("زار الوزير إندونيسيا ثم المكسيك")
    assert [(p.name, p.country) for p in countries] == [("Indonesia", "ID"), ("Mexico", "MX")]


def test_an_arabic_article_gets_its_places_and_its_notice_no_longer_says_none():
    from storylens.annotate import language_notice
    from storylens.records import Article

    text = (FIXTURES / ARABIC).read_text(encoding="utf-8") + "\nونقل المصابون إلى مستشفى في الموصل."
    annotation = annotate(text, published="2026-03-15", language="ar")
    assert [p.name for p in annotation.places] == ["Mosul"]
    notice = language_notice(Article(id="a", source="ar.txt", outlet="o", text=text, language="ar"))
    assert notice is not None and "places" not in notice.unavailable and "attributions" in notice.unavailable


def test_weekdays_and_relative_days_are_read_in_the_article_language():
    published = "2026-03-12"  # a Thursday
    cases = {
        "ar": ("أدى انفجار يوم الثلاثاء إلى مقتل 9 عمال، وقال مسؤول أمس إن العدد قد يرتفع.", ["الثلاثاء", "أمس"]),
        "fa": ("انفجار روز سه‌شنبه رخ داد و دیروز دو نفر دیگر درگذشتند.", ["سه‌شنبه", "دیروز"]),
        "zh": ("周二发生爆炸，昨天又有两人死亡。", ["周二", "昨天"]),
        "ru": ("Взрыв произошёл во вторник, а вчера погибли ещё двое.", ["вторник", "вчера"]),
    }
    for language, (text, words) in cases.items():
        times = annotate(text, published=published, language=language).times
        assert [(t.text, t.value) for t in times] == list(zip(words, ["2026-03-10", "2026-03-11"], strict=True)), language
    assert annotate("周二发生爆炸。", language="zh").times == ()  # no publication date: no day to count from
    ages = annotate("افتتح المصنع قبل 41 عاما، وعمره 41 عام.", published=published, language="ar")
    assert ages.times == () and [q.value for q in ages.quantities] == [41.0, 41.0]  # years of age, not a date


def test_a_place_conflict_across_languages(tmp_path):
    """Our refinery blast: the English report puts it in Basra, the Arabic one in Mosul ("الموصل");
    both say Tuesday ("الثلاثاء"), which resolves to one day, so the day is no conflict."""
    from storylens import analyze

    names = ("en-gulf-wire.txt", "ar-rafidain-daily.txt")
    for name in names:
        shutil.copy(FIXTURES / name, tmp_path / name)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,outlet,url,published,title,language\n"
                        "en-gulf-wire.txt,Gulf Wire,,2026-03-12,,en\nar-rafidain-daily.txt,Rafidain Daily,,2026-03-12,,ar\n")
    report = analyze([str(tmp_path / n) for n in names], manifest=manifest, one_story=True)
    facts = [f for s in report.stories for f in s.facts]
    places = [(f, c) for f in facts for c in f.conflicts if c.kind == "place"]
    assert len(places) == 1, [(f.text, f.conflicts) for f in facts]
    fact, conflict = places[0]
    assert conflict.detail == "Mosul vs Basrah"
    language = {a.id: a.language for a in report.articles}
    assert {language[c.article_id] for c in fact.claims} == {"en", "ar"}
    days = {t.value for c in fact.claims for t in c.times}
    assert days == {"2026-03-10"}  # "Tuesday" and "الثلاثاء" before Thursday 12 March
    assert not [c for f in facts for c in f.conflicts if c.kind == "date"]


def test_right_to_left_runs_are_isolated_inside_english_lines(run):
    """An Arabic run inside an English line (an Arabic outlet's name, a conflict's Arabic side,
    an Arabic claim in the Markdown list) is isolated: <bdi> in HTML, RLI ... PDI in text."""
    import re

    from storylens.lexicon.languages import RTL_RUN, isolate_rtl
    from storylens.report.html import _bidi

    assert isolate_rtl("قتل ١٥ vs 12 killed") == "\u2067قتل ١٥\u2069 vs 12 killed"
    assert _bidi("Al-Sahil <News> (الساحل)") == "Al-Sahil &lt;News&gt; (<bdi>الساحل</bdi>)"
    _, _, page = run
    for block in re.findall(r'<div class="(?:conflict|claim)">(.*?)</div>', page):
        outside = re.sub(r"<bdi>.*?</bdi>|<span[^>]* dir=\"rtl\">.*?</span>", "", block)
        outside = re.sub(r"<[^>]*>", "", outside)  # a tooltip (title="...") is laid out on its own
        assert not RTL_RUN.search(outside), block
    arabic_lines = [line for line in MARKDOWN[-1].splitlines() if RTL_RUN.search(line)]
    assert arabic_lines
    for line in arabic_lines:
        bare = re.sub("\u2067[^\u2069]*\u2069", "", line)
        assert not RTL_RUN.search(bare), line
