"""Unit tests of dlbook.data: MNIST from files (read without writing), digits, errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from dlbook.data import MNIST_FILES, DataNotFoundError, Dataset, load_dataset, mnist_available


def mnist_root() -> Path:
    """The folder holding MNIST/raw/, or a skip (a failure when CI is set) if there is none."""
    root = os.environ.get("DLBOOK_DATA")
    if root and mnist_available(root):
        return Path(root)
    reason = f"MNIST files not found under DLBOOK_DATA={root!r} (expected MNIST/raw/{MNIST_FILES[0]})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must provide them")
    pytest.skip(reason)


def check_form(d: Dataset) -> None:
    for x, y in ((d.train_images, d.train_labels), (d.test_images, d.test_labels)):
        assert x.dtype == torch.uint8 and x.ndim == 4 and tuple(x.shape[1:]) == (1, 28, 28)
        assert y.dtype == torch.int64 and y.shape == (x.shape[0],)
        assert set(y.unique().tolist()) == set(range(10))
        assert int(x.max()) > 200 and int(x.min()) == 0


def test_digits_form_split_and_determinism():
    a, b = load_dataset("digits"), load_dataset("digits")
    assert a.name == "digits"
    check_form(a)
    assert (a.n_train, a.n_test) == (1437, 360)
    assert torch.equal(a.train_images, b.train_images) and torch.equal(a.test_labels, b.test_labels)
    # digits are centred in a 20×20 box, as in MNIST: the 4-pixel border is empty
    assert int(a.train_images[..., :4, :].sum()) == 0 and int(a.train_images[..., -4:].sum()) == 0
    assert 0.05 < a.mean < 0.4 and 0.1 < a.std < 0.5


def test_bad_name_lists_the_allowed_names():
    with pytest.raises(ValueError, match=r"'auto', 'mnist', 'digits'.*'cifar'"):
        load_dataset("cifar")


def test_mnist_missing_without_download_gives_a_helpful_error(tmp_path):
    with pytest.raises(DataNotFoundError) as info:
        load_dataset("mnist", root=tmp_path, download=False)
    message = str(info.value)
    assert str(tmp_path / "MNIST" / "raw") in message
    assert "DLBOOK_DATA" in message and "train-images-idx3-ubyte" in message
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_auto_falls_back_to_digits_with_a_notice(tmp_path, capsys):
    d = load_dataset("auto", root=tmp_path, download=False)
    assert d.name == "digits"
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "digits" in out and str(tmp_path) in out


def test_dlbook_dataset_makes_auto_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DLBOOK_DATASET", "mnist")
    with pytest.raises(DataNotFoundError):
        load_dataset("auto", root=tmp_path, download=False)
    assert "digits instead" not in capsys.readouterr().out
    monkeypatch.setenv("DLBOOK_DATASET", "digits")
    assert load_dataset("auto", root=tmp_path, download=False).name == "digits"
    monkeypatch.setenv("DLBOOK_DATASET", "cifar")
    with pytest.raises(ValueError, match="DLBOOK_DATASET"):
        load_dataset("auto", root=tmp_path, download=False)


def test_mnist_reads_the_files_and_writes_nothing():
    root = mnist_root()
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    d = load_dataset("mnist", root=root, download=False)
    after = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert before == after  # no processed/ folder or other files: a read-only folder works
    check_form(d)
    assert (d.n_train, d.n_test) == (60_000, 10_000)
    assert d.train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert d.test_labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_auto_prefers_mnist_when_present():
    assert load_dataset("auto", root=mnist_root(), download=False).name == "mnist"


def test_subset_keeps_the_test_set_and_is_seeded():
    d = load_dataset("digits")
    a, b, c = d.subset(100, seed=0), d.subset(100, seed=0), d.subset(100, seed=1)
    assert a.n_train == 100 and a.n_test == d.n_test
    assert torch.equal(a.train_labels, b.train_labels) and not torch.equal(a.train_images, c.train_images)
    with pytest.raises(ValueError, match="n_train"):
        d.subset(0)


def test_dataset_checks_its_tensors():
    d = load_dataset("digits")
    with pytest.raises(ValueError, match="train_images"):
        Dataset("x", d.train_images.float(), d.train_labels, d.test_images, d.test_labels, 0.1, 0.3)
