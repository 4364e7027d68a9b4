"""`storylens stories | show | merge | split` over a real store file."""

from __future__ import annotations

from click.testing import CliRunner

from storylens.cli import cli
from storylens.group import group_articles
from storylens.store import Store
from test_group import ARTICLES, BY_KEY


def test_cli_lists_explains_and_corrects(tmp_path):
    db = str(tmp_path / "cli.db")
    with Store(db) as store:  # as after `storylens ingest`: articles, no stories yet
        store.upsert_articles(ARTICLES[:-1])
    runner = CliRunner()
    listed = runner.invoke(cli, ["stories", "--db", db])
    assert listed.exit_code == 0, listed.output
    with Store(db) as store:  # a later ingest: `stories` groups the newcomer too
        store.upsert_articles(ARTICLES[-1:])
    listed = runner.invoke(cli, ["stories", "--db", db])
    assert listed.exit_code == 0, listed.output
    with Store(db) as store:
        story_of = {a: g.id for g in store.stories() for a in g.article_ids}
    assert set(story_of) == {a.id for a in ARTICLES}
    assert story_of[BY_KEY["quake-a1"]] in listed.output
    assert "Andes Courier" in listed.output or "Pacific Wire" in listed.output

    shown = runner.invoke(cli, ["show", story_of[BY_KEY["court-c1"]][:6], "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "score" in shown.output and "shared" in shown.output

    quake_a, quake_b = story_of[BY_KEY["quake-a1"]], story_of[BY_KEY["quake-b1"]]
    merged = runner.invoke(cli, ["merge", quake_a, quake_b, "--db", db])
    assert merged.exit_code == 0, merged.output
    with Store(db) as store:
        assert any(c["kind"] == "merge" for c in store.corrections())
        big = next(g for g in store.stories() if BY_KEY["quake-b2"] in g.article_ids)
        assert BY_KEY["quake-a2"] in big.article_ids

    split = runner.invoke(cli, ["split", big.id, BY_KEY["quake-b1"], "--db", db])
    assert split.exit_code == 0, split.output
    with Store(db) as store:
        regrouped = group_articles(ARTICLES, {}, store=store)
    holder = next(g for g in regrouped if BY_KEY["quake-b2"] in g.article_ids)
    assert BY_KEY["quake-a1"] in holder.article_ids  # the merge still holds
    assert BY_KEY["quake-b1"] not in holder.article_ids  # and so does the split

    missing = runner.invoke(cli, ["show", "s-nope", "--db", db])
    assert missing.exit_code != 0
