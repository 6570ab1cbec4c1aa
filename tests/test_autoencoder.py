"""dlbook.autoencoder: shapes, determinism, the two interpolations, the distance measure, bad input; the
figures drawn from them; and, slow, that the latent path beats the cross-fade on the digits fallback and
on the built examples page.

The fast tests train on scikit-learn's digits (``load_dataset("digits")``) with a small configuration.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import matplotlib
import pytest
import torch
from conftest import BuiltBook, figure_image, glue_values
from dlbook import autoencoder as ae
from dlbook import figures
from dlbook.data import load_dataset

matplotlib.use("Agg")

EXAMPLES = "book/introduction/examples"
SMALL = ae.AutoencoderConfig(latent_dim=4, hidden=32, n_train=500, steps=30, batch_size=64)


@cache
def digits():
    return load_dataset("digits")


@cache
def small_model() -> ae.Autoencoder:
    return ae.train_autoencoder(digits(), SMALL, seed=0)


def images(n: int, offset: int = 0) -> torch.Tensor:
    """``n`` test digits as floats 0 to 1, ``n×1×28×28``."""
    return digits().test_images[offset : offset + n].float() / 255


# ----------------------------------------------------------------------------------------------------
# Shapes


def test_encode_decode_and_reconstruct_shapes_and_range():
    model, x = small_model(), images(5)
    z = ae.encode(model, x)
    assert z.shape == (5, SMALL.latent_dim) and z.dtype == torch.float32
    out = ae.decode(model, z)
    assert out.shape == (5, 1, 28, 28)
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    torch.testing.assert_close(ae.reconstruct(model, x), out)
    # uint8 grey levels are read on the 0-to-1 scale
    torch.testing.assert_close(ae.encode(model, digits().test_images[:5]), z)


def test_interpolations_have_one_image_per_step_for_one_pair_or_a_batch():
    model, x = small_model(), images(6)
    assert ae.interpolate_latent(model, x[0], x[1], 7).shape == (7, 1, 28, 28)
    assert ae.crossfade(x[0], x[1], 7).shape == (7, 1, 28, 28)
    assert ae.interpolate_latent(model, x[:3], x[3:], 5).shape == (3, 5, 1, 28, 28)
    assert ae.crossfade(x[:3], x[3:], 5).shape == (3, 5, 1, 28, 28)
    torch.testing.assert_close(ae.path_times(5), torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0]))


def test_model_has_the_configured_sizes():
    model = ae.Autoencoder(latent_dim=3, hidden=10)
    n_params = sum(p.numel() for p in model.parameters())
    assert n_params == (784 * 10 + 10) + (10 * 3 + 3) + (3 * 10 + 10) + (10 * 784 + 784)
    assert model(images(2)).shape == (2, 1, 28, 28)


# ----------------------------------------------------------------------------------------------------
# Determinism and training


def test_training_is_deterministic_given_the_seed_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    a = ae.train_autoencoder(digits(), SMALL, seed=3)
    assert torch.equal(torch.random.get_rng_state(), before)
    b = ae.train_autoencoder(digits(), SMALL, seed=3)
    c = ae.train_autoencoder(digits(), SMALL, seed=4)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)
    assert any(not torch.equal(pa, pc) for pa, pc in zip(a.parameters(), c.parameters(), strict=True))


def test_training_lowers_the_reconstruction_error():
    x = images(100)
    untrained = ae.train_autoencoder(digits(), dataclasses.replace(SMALL, steps=1), seed=0)
    trained = ae.train_autoencoder(digits(), dataclasses.replace(SMALL, steps=150), seed=0)
    error = {
        name: float(((ae.reconstruct(m, x) - x) ** 2).mean())
        for name, m in [("0", untrained), ("1", trained)]
    }
    assert error["1"] < 0.6 * error["0"]


def test_adam_step_matches_torch_adam():
    torch.manual_seed(0)
    ours = [torch.randn(3, 4), torch.randn(5)]
    theirs = [p.clone().requires_grad_() for p in ours]
    optimiser = torch.optim.Adam(theirs, lr=0.01)
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in ours]
    for step in range(1, 4):
        grads = [torch.randn_like(p) for p in ours]
        ae.adam_step(ours, grads, moments, step=step, lr=0.01)
        for p, g in zip(theirs, grads, strict=True):
            p.grad = g.clone()
        optimiser.step()
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b.detach(), atol=1e-6, rtol=1e-5)


def test_training_accepts_an_image_tensor_as_well_as_a_dataset():
    model = ae.train_autoencoder(digits().train_images[:200], dataclasses.replace(SMALL, steps=5), seed=0)
    assert not model.training and ae.encode(model, images(2)).shape == (2, SMALL.latent_dim)


# ----------------------------------------------------------------------------------------------------
# The two paths


def test_latent_path_ends_at_the_reconstructions_of_its_end_images():
    model, x = small_model(), images(2)
    path = ae.interpolate_latent(model, x[0], x[1], 9)
    ends = ae.reconstruct(model, x)
    torch.testing.assert_close(path[0], ends[0], atol=1e-5, rtol=0)
    torch.testing.assert_close(path[-1], ends[1], atol=1e-5, rtol=0)


def test_latent_path_decodes_the_straight_line_between_the_codes():
    model, x = small_model(), images(2)
    z = ae.encode(model, x)
    path = ae.interpolate_latent(model, x[0], x[1], 5)
    halfway = ae.decode(model, (0.5 * z[0] + 0.5 * z[1])[None])
    torch.testing.assert_close(path[2], halfway[0], atol=1e-5, rtol=0)


def test_crossfade_ends_equal_the_inputs_exactly_and_blends_linearly():
    x = images(4)
    for a, b in [(x[0], x[1]), (x[:2], x[2:])]:
        fade = ae.crossfade(a, b, 6)
        assert torch.equal(fade[..., 0, :, :, :] if fade.ndim == 5 else fade[0], a)
        assert torch.equal(fade[..., -1, :, :, :] if fade.ndim == 5 else fade[-1], b)
    fade = ae.crossfade(x[0], x[1], 3)
    torch.testing.assert_close(fade[1], (x[0] + x[1]) / 2)
    # uint8 images are converted to the 0-to-1 scale first
    assert torch.equal(ae.crossfade(digits().test_images[0], digits().test_images[1], 2)[0], x[0])


# ----------------------------------------------------------------------------------------------------
# The distance to the nearest real digit


def test_nearest_distance_is_zero_for_a_reference_image_and_rms_otherwise():
    ref = images(10)
    assert torch.allclose(ae.nearest_distance(ref, ref), torch.zeros(10), atol=1e-3)
    blank = torch.zeros(1, 1, 28, 28)
    expected = (ref.reshape(10, -1) ** 2).mean(1).sqrt().min()
    torch.testing.assert_close(ae.nearest_distance(blank, ref), expected[None], atol=1e-5, rtol=1e-5)
    # leading dimensions are kept, chunking changes nothing
    grid = images(12, offset=20).reshape(3, 4, 1, 28, 28)
    d = ae.nearest_distance(grid, ref)
    assert d.shape == (3, 4)
    torch.testing.assert_close(ae.nearest_distance(grid, ref, chunk=5), d)


def test_random_pairs_show_different_digits_and_are_reproducible():
    labels = digits().test_labels
    i_a, i_b = ae.random_pairs(labels, 40, seed=1)
    assert len(i_a) == len(i_b) == 40
    assert bool((labels[i_a] != labels[i_b]).all())
    assert len(set(i_a.tolist()) | set(i_b.tolist())) == 80
    again = ae.random_pairs(labels, 40, seed=1)
    assert torch.equal(i_a, again[0]) and torch.equal(i_b, again[1])


def test_compare_paths_shares_the_ends_of_both_paths():
    model, x = small_model(), images(8)
    d = ae.compare_paths(model, x[:4], x[4:], digits().train_images[:300], 5)
    assert d.latent.shape == d.crossfade.shape == (4, 5)
    torch.testing.assert_close(d.latent[:, [0, -1]], d.crossfade[:, [0, -1]], atol=1e-5, rtol=0)
    assert 0 <= d.latent_wins <= 1
    assert d.latent_mean == pytest.approx(float(d.latent[:, 1:-1].mean()))


# ----------------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latent_dim", 0),
        ("hidden", 2.5),
        ("n_train", -1),
        ("steps", 0),
        ("batch_size", True),
        ("learning_rate", 0.0),
        ("learning_rate", float("nan")),
    ],
)
def test_config_names_the_bad_field(field, value):
    with pytest.raises(ValueError, match=field):
        ae.AutoencoderConfig(**{field: value})


def test_bad_arguments_raise_value_errors_naming_the_argument():
    model, x = small_model(), images(4)
    with pytest.raises(ValueError, match="steps"):
        ae.interpolate_latent(model, x[0], x[1], 1)
    with pytest.raises(ValueError, match="steps"):
        ae.crossfade(x[0], x[1], 2.0)
    with pytest.raises(ValueError, match="x_a"):
        ae.crossfade(torch.zeros(28, 28), x[1], 3)
    with pytest.raises(ValueError, match="x_a and x_b"):
        ae.crossfade(x[:2], x[:3], 3)
    with pytest.raises(ValueError, match="images"):
        ae.encode(model, torch.zeros(2, 28, 28))
    with pytest.raises(ValueError, match="z must"):
        ae.decode(model, torch.zeros(2, SMALL.latent_dim + 1))
    with pytest.raises(ValueError, match="model"):
        ae.encode(torch.nn.Linear(2, 2), x)
    with pytest.raises(ValueError, match="data"):
        ae.train_autoencoder(torch.zeros(3, 28, 28), SMALL, seed=0)
    with pytest.raises(ValueError, match="config"):
        ae.train_autoencoder(digits(), {"steps": 3}, seed=0)
    with pytest.raises(ValueError, match="step"):
        ae.adam_step([torch.zeros(2)], [torch.zeros(2)], [(torch.zeros(2), torch.zeros(2))], step=0, lr=0.1)
    with pytest.raises(ValueError, match="moments"):
        ae.adam_step([torch.zeros(2)], [torch.zeros(2)], [], step=1, lr=0.1)
    with pytest.raises(ValueError, match="seed"):
        ae.train_autoencoder(digits(), SMALL, seed=1.5)
    with pytest.raises(ValueError, match="device"):
        ae.train_autoencoder(digits(), SMALL, seed=0, device="not-a-device")
    with pytest.raises(ValueError, match="reference"):
        ae.nearest_distance(x, torch.zeros(0, 1, 28, 28))
    with pytest.raises(ValueError, match="chunk"):
        ae.nearest_distance(x, x, chunk=0)
    with pytest.raises(ValueError, match="n_pairs"):
        ae.random_pairs(digits().test_labels, 0, seed=0)
    with pytest.raises(ValueError, match="n_pairs"):
        ae.random_pairs(torch.tensor([1, 2, 3, 4]), 3, seed=0)
    with pytest.raises(ValueError, match="batches"):
        ae.compare_paths(model, x[0], x[1], x, 3)


# ----------------------------------------------------------------------------------------------------
# The figures (dlbook.figures)


def test_interpolation_figure_shows_both_paths_with_row_labels():
    model, x = small_model(), images(6)
    latent = ae.interpolate_latent(model, x[:3], x[3:], 7)
    fade = ae.crossfade(latent[:, 0], latent[:, -1], 7)
    fig = figures.interpolation_figure(latent, fade, row_labels=["a", "b", "c"])
    left, right = fig.axes
    assert left.get_title() == "through the latent space" and right.get_title() == "pixel cross-fade"
    assert [t.get_text() for t in left.get_yticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in left.get_xticklabels()] == ["0", "0.5", "1"]
    picture = left.get_images()[0].get_array()
    assert picture.shape == (3 * 31 - 3, 7 * 31 - 3)
    with pytest.raises(ValueError, match="same shape"):
        figures.interpolation_figure(latent, fade[:2])
    with pytest.raises(ValueError, match="row_labels"):
        figures.interpolation_figure(latent, fade, row_labels=["a"])


def test_path_distance_figure_draws_the_two_mean_curves():
    t = ae.path_times(5)
    latent, fade = torch.rand(4, 5), torch.rand(4, 5)
    fig = figures.path_distance_figure(t, latent, fade)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    torch.testing.assert_close(torch.tensor(lines[1].get_ydata()), fade.double().mean(0))
    with pytest.raises(ValueError, match="distances"):
        figures.path_distance_figure(t, latent[:, :3], fade)


# ----------------------------------------------------------------------------------------------------
# Slow: the point of the page


@pytest.mark.slow
def test_latent_path_stays_closer_to_real_digits_than_the_crossfade_on_the_digits_fallback():
    data = digits()
    model = ae.train_autoencoder(data, ae.AutoencoderConfig(), seed=0)
    i_a, i_b = ae.random_pairs(data.test_labels, 50, seed=0)
    d = ae.compare_paths(model, data.test_images[i_a], data.test_images[i_b], data.train_images, 9)
    assert d.latent_mean < d.crossfade_mean
    assert d.latent_wins > 0.75
    assert float(d.latent[:, 4].mean()) < float(d.crossfade[:, 4].mean())


@pytest.mark.slow
def test_examples_page_shows_the_interpolation_and_a_measure_in_favour_of_the_latent_path(
    built_book: BuiltBook,
):
    figure_image(built_book, EXAMPLES, "fig-examples-interpolation")
    figure_image(built_book, EXAMPLES, "fig-examples-path-distance")
    v = glue_values(built_book, EXAMPLES)
    assert 0 < v["ae_latent_distance"] < v["ae_crossfade_distance"] < 1
    assert v["ae_closer_percent"] == pytest.approx(
        100 * (1 - v["ae_latent_distance"] / v["ae_crossfade_distance"])
    )
    assert v["ae_win_percent"] > 50
    assert v["ae_mid_latent"] < v["ae_mid_crossfade"]
    assert v["ae_latent_dim"] == ae.AutoencoderConfig().latent_dim
