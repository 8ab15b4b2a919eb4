"""The taste's path in words: which paintings, and what each round changed."""

from stylegan_app.engine.taste import Taste
from stylegan_app.engine.taste_path import RoundTaste, change_words, path_rows, path_story

NAMES = ["The Great Wave", "The Night Café", "Mona Lisa"]
Z0 = (0.0,) * 8


def test_rows_hold_each_round_and_every_painting_that_ever_counted():
    rounds = [RoundTaste(0, Taste((1.0, 0.0, 0.0), (0.0,)), Z0), RoundTaste(1, Taste((0.7, 0.3, 0.0), (0.0,)), Z0)]
    rows = path_rows(rounds, NAMES)
    assert {(r["round"], r["painting"]) for r in rows} == {(1, "The Great Wave"), (1, "The Night Café"), (2, "The Great Wave"),
                                                           (2, "The Night Café")}  # fmt: skip
    assert [r["weight"] for r in rows if r["round"] == 2 and r["painting"] == "The Night Café"] == [0.3]


def test_a_round_toward_a_painting_with_smaller_strokes_says_so():
    before = RoundTaste(0, Taste((1.0, 0.0, 0.0), (0.0,)), Z0)
    after = RoundTaste(1, Taste((0.7, 0.3, 0.0), (0.0,)), (0.0, 0.0, 0.0, 0.0, 0.0, -0.6, 0.0, 0.0))
    assert change_words(before, after, NAMES) == ["more of The Night Café", "less of The Great Wave", "smaller strokes"]


def test_the_story_starts_where_the_user_started_and_names_each_round():
    rounds = [RoundTaste(0, Taste((1.0, 0.0, 0.0), (0.0,)), Z0), RoundTaste(1, Taste((1.0, 0.0, 0.0), (0.0,)), Z0)]
    assert path_story(rounds, NAMES) == ["Round 1: where you started (now 100% The Great Wave)",
                                         "Round 2: small changes only (now 100% The Great Wave)"]  # fmt: skip


def test_a_single_style_model_has_a_story_of_its_brushwork_only():
    rounds = [RoundTaste(0, None, Z0), RoundTaste(1, None, (0.0, 0.0, 0.0, 0.0, 0.8, 0.0, 0.0, 0.0))]
    assert path_rows(rounds, []) == []
    assert path_story(rounds, []) == ["Round 1: where you started", "Round 2: closer to your photo"]
