"""Unit tests of dlbook.history: the milestone and model-size data and the counts computed here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
import torchvision.models as tvm
from dlbook import history
from dlbook.lenet import LeNet5, count_parameters

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.MULTILINE))


def test_every_cite_key_is_in_the_bibliography():
    missing = history.cite_keys() - bib_keys()
    assert not missing, f"keys used by dlbook.history but absent from references.bib: {sorted(missing)}"


def test_every_cite_key_is_cited_on_the_history_page():
    # The figures draw on these works, so the page must cite them and the bibliography must list them.
    page = (BIB.parent / "history" / "index.md").read_text(encoding="utf-8")
    groups = re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", page)
    cited = {key.strip() for group in groups for key in group.split(",")}
    missing = history.cite_keys() - cited
    assert not missing, f"book/history/index.md does not cite {sorted(missing)}"


def test_milestones_cover_the_lecture_and_are_sorted():
    rows = history.milestones()
    years = [m.year for m in rows]
    assert years == sorted(years)
    lecture_years = {1943, 1949, 1958, 1969, 1970, 1974, 1980, 1986, 1987, 1989, 1998, 2004, 2006, 2009, 2012}
    lecture_years |= {2014, 2015, 2017, 2019, 2020}
    assert lecture_years <= set(years)
    assert all(m.theme in history.THEMES for m in rows if not m.is_period)


def test_the_two_ai_winters_are_the_periods_in_order():
    winters = history.ai_winters()
    assert [(w.year, w.end_year) for w in winters] == [(1974, 1980), (1987, 1993)]
    assert all(w.is_period for w in winters)


def test_lenet5_count_is_computed_from_the_model():
    assert history.lenet5_parameters() == count_parameters(LeNet5()) == 61_706
    row = history.model("LeNet-5")
    assert row.counted and row.parameters == 61_706 and row.cite == "lecun1998gradient"


@pytest.mark.parametrize(
    ("builder", "blocks", "bottleneck"),
    [
        (tvm.resnet18, (2, 2, 2, 2), False),
        (tvm.resnet34, (3, 4, 6, 3), False),
        (tvm.resnet50, (3, 4, 6, 3), True),
        (tvm.resnet152, (3, 8, 36, 3), True),
    ],
)
def test_resnet_formula_matches_torchvision(builder, blocks, bottleneck):
    with torch.device("meta"):  # shapes only: no memory, no weights
        net = builder()
    assert history.resnet_parameters(blocks, bottleneck=bottleneck) == count_parameters(net)


def test_resnet_rejects_bad_arguments():
    with pytest.raises(ValueError, match="blocks"):
        history.resnet_parameters((3, 4, 6))
    with pytest.raises(ValueError, match="blocks"):
        history.resnet_parameters((3, 0, 6, 3))
    with pytest.raises(ValueError, match="classes"):
        history.resnet_parameters(classes=0)


def test_stated_counts_are_the_papers_figures():
    assert history.model("AlexNet").parameters == 60_000_000
    assert history.model("GPT-2").parameters == 1_542_000_000
    assert history.model("GPT-3").parameters == 175_000_000_000
    assert 60e6 < history.model("ResNet-152").parameters < 61e6


def test_model_sizes_sorted_and_unknown_name_rejected():
    rows = history.model_sizes()
    assert [(m.year, m.parameters) for m in rows] == sorted((m.year, m.parameters) for m in rows)
    assert {m.family for m in rows} == {"vision", "language"}
    with pytest.raises(ValueError, match="name must be one of"):
        history.model("Perceptron-9000")


def test_doubling_time_of_exact_exponential_growth():
    rows = [history.ModelSize(f"m{k}", 2010 + k, 1000 * 2**k, "x", "vision") for k in range(5)]
    assert history.doubling_time(rows, since=2010) == pytest.approx(1.0)
    shrinking = [history.ModelSize(f"m{k}", 2010 + k, 1000 * 2 ** (4 - k), "x", "vision") for k in range(5)]
    with pytest.raises(ValueError, match="grow"):
        history.doubling_time(shrinking, since=2010)
    with pytest.raises(ValueError, match="since"):
        history.doubling_time(since=2020)


def test_doubling_time_of_the_landmarks_is_under_two_years():
    assert 0.25 < history.doubling_time(since=2012) < 2.0


def test_format_count():
    assert history.format_count(61_706) == "61,706"
    assert history.format_count(60_000_000) == "60 M"
    assert history.format_count(1_542_000_000) == "1.54 B"
    assert history.format_count(175_000_000_000) == "175 B"
    with pytest.raises(ValueError, match="n must be >= 0"):
        history.format_count(-1)
