"""The answer keys of the page "Examples" (dlbook.exercises.examples).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one. Nothing here
trains a network or reads a data set: the keys, and the solutions run here, use an untrained autoencoder
and random images, because what the exercises ask does not depend on the training.
"""

from __future__ import annotations

import re

import jupytext
import pytest
import torch
from conftest import ROOT, assert_key_decides
from dlbook import autoencoder
from dlbook.autoencoder import AutoencoderConfig
from dlbook.exercises import check
from dlbook.exercises import examples as keys

PAGE = ROOT / "book" / "introduction" / "examples.md"
PIXELS = 28 * 28


def rms(u: torch.Tensor) -> float:
    return float(u.pow(2).mean().sqrt())


def count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def crossfade_ratio(power: int = 1) -> float:
    """The cross-fade's midpoint measured from its first end, relative to the distance between the ends,
    on two images other than the key's; ``power=2`` compares mean squares instead of RMS differences."""
    g = torch.Generator().manual_seed(1)
    a, b = torch.rand(2, 1, 28, 28, generator=g)
    path = autoencoder.crossfade(a, b, keys.STEPS)
    half = keys.STEPS // 2
    return (rms(path[half] - path[0]) / rms(path[-1] - path[0])) ** power


def pixel_share(*, biases: bool = True) -> float:
    """The solution's share of the parameters in the two layers on the pixels (default sizes)."""
    config = AutoencoderConfig()
    net = autoencoder.Autoencoder(config.latent_dim, config.hidden)
    first, last = net.encoder[1], net.decoder[2]
    on_pixels = count(first) + count(last) if biases else first.weight.numel() + last.weight.numel()
    return on_pixels / count(net)


RIGHT_AND_WRONG = [
    # the four examples that produce data; not all five (the car's outputs are actions)
    ("examples-1", lambda: "ABDE", lambda: "ABCDE"),
    # any order and case; leaving out the deepfakes, which generate video, is wrong
    ("examples-1", lambda: ["e", "d", "b", "a"], lambda: "ADE"),
    # half the RMS distance; not the ratio of mean squares, a quarter
    ("examples-2", crossfade_ratio, lambda: crossfade_ratio(power=2)),
    # a tensor is a number too; the whole distance (the midpoint measured from the far end of a longer
    # path, or the two ends compared with each other) is wrong
    ("examples-2", lambda: torch.tensor(crossfade_ratio()), lambda: 1.0),
    # the two layers on the pixels, biases included; not their weights alone
    ("examples-4", pixel_share, lambda: pixel_share(biases=False)),
    # only the encoder's first layer, about half of the answer
    ("examples-4", pixel_share, lambda: pixel_share() / 2),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_answers_of_the_wrong_type_get_a_message_not_a_crash(capsys) -> None:
    assert check("examples-1", 3) is False
    assert check("examples-1", "ABF") is False
    assert check("examples-2", "0.5") is False
    assert check("examples-4", 100 * pixel_share()) is False  # a percentage
    out = capsys.readouterr().out
    assert "letter" in out and "'F'" in out and "Expected one number" in out and "percentage" in out
    assert f"{pixel_share():.3f}" not in out and "0.5" not in out, "a message must not give the answer away"


def test_the_keys_follow_the_solutions_closed_forms() -> None:
    assert keys.crossfade_fraction() == pytest.approx(0.5, abs=1e-6)
    assert keys.crossfade_fraction(t=0.25) == pytest.approx(0.25, abs=1e-6)
    with pytest.raises(ValueError, match="times"):
        keys.crossfade_fraction(t=0.3)
    for d, h in ((8, 256), (2, 256), (16, 64), (1, 1)):
        # P(d, h) = 2Nh + 2hd + 2h + d + N, of which 2Nh + h + N on the pixels (N = 784)
        assert keys.autoencoder_parameters(d, h) == 2 * PIXELS * h + 2 * h * d + 2 * h + d + PIXELS
        assert keys.pixel_layer_parameters(d, h) == 2 * PIXELS * h + h + PIXELS
    config = AutoencoderConfig()
    assert keys.autoencoder_parameters() == keys.autoencoder_parameters(config.latent_dim, config.hidden)
    assert keys.pixel_layer_share() > keys.pixel_layer_share(latent_dim=64) > 0.5


def test_the_page_checks_the_choice_the_key_expects() -> None:
    text = PAGE.read_text(encoding="utf-8")
    (given,) = re.findall(r'assert check\("examples-1", "([A-E]+)", quiet=True\)', text)
    assert set(given) == set(keys.GENERATIVE) and set(keys.EXAMPLES) == set("ABCDE")
    assert "A." in text and "E. Jukebox" in text


def solution_namespace() -> dict:
    """What the visible cells of the page define and the solutions use, from an untrained autoencoder."""
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(2, 1, 28, 28, generator=g)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = autoencoder.Autoencoder().eval()
    ends = autoencoder.decode(model, autoencoder.encode(model, torch.stack([a, b])))
    return {
        "check": check,  # imported by the first exercise's cell
        "AutoencoderConfig": AutoencoderConfig,
        "autoencoder": autoencoder,
        "model": model,
        "latent_path": autoencoder.interpolate_latent(model, a, b, keys.STEPS),
        "pixel_path": autoencoder.crossfade(ends[0], ends[1], keys.STEPS),
    }


@pytest.mark.parametrize("label", ["examples-2", "examples-4"])
def test_the_student_cell_and_the_solution_run_and_the_solution_passes_its_check(label, capsys) -> None:
    cells = [
        c.source
        for c in jupytext.read(PAGE).cells
        if c.cell_type == "code" and f'check("{label}"' in c.source
    ]
    assert len(cells) == 2, f"{label}: a cell for the student and one in the solution"
    student, solution = cells
    assert "None" in student and "strict=True" in solution
    namespace = solution_namespace()
    exec(student, namespace)
    assert "No answer yet" in capsys.readouterr().out
    exec(solution, namespace)  # raises WrongAnswer if the solution's answer is not right
    assert "✓" in capsys.readouterr().out
