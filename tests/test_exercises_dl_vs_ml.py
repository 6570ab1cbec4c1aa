"""The answer keys of the page "How deep learning differs from machine learning" (dlbook.exercises.dl_vs_ml).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from conftest import ROOT, assert_key_decides
from dlbook import figures
from dlbook.exercises import check
from dlbook.exercises import dl_vs_ml as keys

PAGE = ROOT / "book" / "concepts" / "dl-vs-ml.md"


def pairs_sharing_area() -> int:
    four = [figures.map_region(name) for name in keys.FIELDS]
    return sum(figures.overlap(a, b) > 0 for a, b in combinations(four, 2))


RIGHT_AND_WRONG = [
    # dropout, Fisher metric, convolutions, MAML; not with two items swapped
    ("dl-vs-ml-1", lambda: (5, 3, 4, 7), lambda: (5, 4, 3, 7)),
    # the GAN, the game player and MAML; not the logistic regression that has learnt weights
    ("dl-vs-ml-2", lambda: "BCE", lambda: "BCEF"),
    ("dl-vs-ml-2", lambda: ["c", "b", "e"], lambda: "BE"),
    # no two of the four fields overlap on the map; not the four neighbouring pairs
    ("dl-vs-ml-3", pairs_sharing_area, lambda: 4),
    # 100 % on training, 10 % on test; not "no gap" nor the test accuracy itself
    ("dl-vs-ml-4", lambda: 90.0, lambda: 0.0),
    ("dl-vs-ml-4", lambda: 90, lambda: 10.0),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_map_gives_each_field_a_deep_part_and_no_field_another_neighbour() -> None:
    deep = figures.map_region("Deep learning")
    for name in keys.FIELDS:
        region = figures.map_region(name)
        assert figures.overlap(region, deep) > 0, f"{name} has no deep part"
        # its own area is larger than the part it shares with deep learning: it has a shallow part
        assert figures.overlap(region, region) > figures.overlap(region, deep), f"{name} has no shallow part"
    assert keys.overlapping_pairs() == []


def test_the_points_of_the_page_and_its_try_it_box_lie_where_the_text_says() -> None:
    def fields_at(x, y):
        return {r.name for r in figures.map_regions() if figures.contains(r, x, y)}

    assert fields_at(3.9, 3.5) == {"Machine learning", "Reinforcement learning", "Deep learning"}
    assert fields_at(5.0, 2.9) == {"Machine learning", "Deep learning"}
    text = PAGE.read_text(encoding="utf-8")
    assert "deep_rl_agent = (3.9, 3.5)" in text and "`(5.0, 2.9)`" in text


def test_the_page_glues_the_gap_for_the_key_s_number_of_classes() -> None:
    assert f"n_classes = {keys.N_CLASSES}  # CIFAR-10" in PAGE.read_text(encoding="utf-8")


def test_a_count_must_be_a_whole_number(capsys) -> None:
    assert check("dl-vs-ml-3", 0.5) is False
    assert check("dl-vs-ml-3", True) is False
    assert check("dl-vs-ml-1", (5, 3, 4)) is False
    assert "whole number" in capsys.readouterr().out
