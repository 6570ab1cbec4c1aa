r"""Handwritten digits as tensors: MNIST, or scikit-learn's digits as a fallback.

Both data sets come back in one form, a :class:`Dataset` of

* images: ``uint8`` tensors ``N×1×28×28`` with grey levels 0 (background) to 255 (ink),
* labels: ``int64`` tensors ``N`` with the digit 0 to 9,

split into a training and a test set, plus the data set's name. Networks see the images
standardised on the fly (see :mod:`dlbook.train`),

.. math::

   \tilde x = \frac{x / 255 - \mu}{\sigma},

with the mean :math:`\mu` and standard deviation :math:`\sigma` of the training pixels
(:attr:`Dataset.mean`, :attr:`Dataset.std`, on the 0 to 1 scale).

* ``"mnist"``: the MNIST database of :cite:t:`lecun1998gradient`, 60,000 training and
  10,000 test digits, read with ``torchvision.datasets.MNIST`` from
  ``<root>/MNIST/raw/``. Files already there are used without any network access, also
  from a read-only folder.
* ``"digits"``: the 1,797 real :math:`8\times 8` scans bundled with scikit-learn, enlarged to
  a :math:`20\times 20` box and centred in :math:`28\times 28` as MNIST digits are, with a fixed
  stratified split of 1,437 training and 360 test images. It needs no files and no network.
* ``"auto"``: MNIST when it is present or can be downloaded, else digits (with a one-line notice).

Used on the pages :doc:`/book/introduction/examples`, :doc:`/book/history/cnn`, :doc:`/book/history/gpus`
and :doc:`/book/concepts/tpe`.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

#: Names accepted by :func:`load_dataset`.
NAMES: tuple[str, ...] = ("auto", "mnist", "digits")

#: The four uncompressed IDX files that torchvision reads, in ``<root>/MNIST/raw/``.
MNIST_FILES: tuple[str, ...] = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

#: Seconds a download may wait on the network before it gives up.
DOWNLOAD_TIMEOUT_S = 15.0

# Mean and standard deviation of MNIST's 47,040,000 training pixels on the 0 to 1 scale.
_MNIST_MEAN, _MNIST_STD = 0.1307, 0.3081


class DataNotFoundError(FileNotFoundError):
    """The data set's files are not where they were looked for, and could not be downloaded."""


@dataclass(frozen=True)
class Dataset:
    """A digit data set split into training and test images.

    Attributes:
        name: ``"mnist"`` or ``"digits"``.
        train_images: ``uint8`` tensor ``N×1×28×28``, grey levels 0 to 255.
        train_labels: ``int64`` tensor ``N``, digits 0 to 9.
        test_images: ``uint8`` tensor ``M×1×28×28``.
        test_labels: ``int64`` tensor ``M``.
        mean: mean training pixel on the 0 to 1 scale.
        std: standard deviation of the training pixels on the 0 to 1 scale.
    """

    name: str
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    mean: float
    std: float

    def __post_init__(self) -> None:
        for split in ("train", "test"):
            x, y = getattr(self, f"{split}_images"), getattr(self, f"{split}_labels")
            if x.dtype != torch.uint8 or x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
                raise ValueError(
                    f"{split}_images must be a uint8 tensor N×1×28×28; got {x.dtype} {tuple(x.shape)}"
                )
            if y.dtype != torch.int64 or y.shape != (x.shape[0],):
                raise ValueError(
                    f"{split}_labels must be an int64 tensor of length {x.shape[0]}; "
                    f"got {y.dtype} {tuple(y.shape)}"
                )

    @property
    def n_train(self) -> int:
        """Number of training images."""
        return int(self.train_labels.shape[0])

    @property
    def n_test(self) -> int:
        """Number of test images."""
        return int(self.test_labels.shape[0])

    def subset(self, n_train: int, *, seed: int = 0) -> Dataset:
        """The same data set with only ``n_train`` training images, drawn at random without replacement.

        The test set is kept whole, so accuracies stay comparable across training-set sizes.

        Args:
            n_train: number of training images to keep, ``1 <= n_train <= self.n_train``.
            seed: seed of the random draw.
        """
        if not 1 <= n_train <= self.n_train:
            raise ValueError(f"n_train must be in [1, {self.n_train}]; got {n_train}")
        g = torch.Generator().manual_seed(seed)
        idx = torch.randperm(self.n_train, generator=g)[:n_train]
        return Dataset(
            self.name,
            self.train_images[idx],
            self.train_labels[idx],
            self.test_images,
            self.test_labels,
            self.mean,
            self.std,
        )


def default_root() -> Path:
    """Where data sets are stored: ``$DLBOOK_DATA`` if set, else ``dlbook`` in the user's cache folder."""
    env = os.environ.get("DLBOOK_DATA")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(cache).expanduser() / "dlbook"


def mnist_available(root: str | os.PathLike[str] | None = None) -> bool:
    """Whether the four MNIST IDX files are present under ``<root>/MNIST/raw/``."""
    raw = (Path(root) if root is not None else default_root()) / "MNIST" / "raw"
    return all((raw / f).is_file() for f in MNIST_FILES)


def _missing_message(root: Path, reason: str) -> str:
    raw = root / "MNIST" / "raw"
    return (
        f"MNIST not found: looked for {', '.join(MNIST_FILES)} in {raw} ({reason}). "
        f"To provide them, download the four .gz files listed in torchvision.datasets.MNIST.resources "
        f"and unpack them into that folder, or point the environment variable DLBOOK_DATA (or the "
        f"root argument) at a folder that holds MNIST/raw/; load_dataset('digits') needs no files."
    )


def _download_mnist(root: Path) -> None:
    """Download MNIST with torchvision, giving up after :data:`DOWNLOAD_TIMEOUT_S` per connection."""
    from torchvision.datasets import MNIST

    try:
        (root / "MNIST" / "raw").mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataNotFoundError(_missing_message(root, f"cannot create the folder: {err}")) from err
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        MNIST(str(root), train=True, download=True)
    except (RuntimeError, OSError, urllib.error.URLError, TimeoutError) as err:
        detail = " ".join(str(err).split())[:300] or type(err).__name__
        raise DataNotFoundError(_missing_message(root, f"the download failed: {detail}")) from err
    finally:
        socket.setdefaulttimeout(old)


def _load_mnist(root: Path, download: bool) -> Dataset:
    from torchvision.datasets import MNIST

    if not mnist_available(root):
        if not download:
            raise DataNotFoundError(_missing_message(root, "download=False"))
        _download_mnist(root)
        if not mnist_available(root):
            raise DataNotFoundError(_missing_message(root, "the download left files missing"))
    # With the raw files present, torchvision reads them and writes nothing (read-only folders work).
    train = MNIST(str(root), train=True, download=False)
    test = MNIST(str(root), train=False, download=False)
    return Dataset(
        "mnist",
        train.data.unsqueeze(1).contiguous(),
        train.targets.to(torch.int64),
        test.data.unsqueeze(1).contiguous(),
        test.targets.to(torch.int64),
        _MNIST_MEAN,
        _MNIST_STD,
    )


def _load_digits() -> Dataset:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    # 8×8 grey levels 0..16 -> 20×20 by bilinear interpolation -> padded to 28×28, scaled to 0..255.
    small = torch.from_numpy(bunch.images.astype(np.float32)).unsqueeze(1) / 16.0
    big = F.interpolate(small, size=(20, 20), mode="bilinear", align_corners=False)
    big = F.pad(big, (4, 4, 4, 4))
    images = (big.clamp(0.0, 1.0) * 255.0).round().to(torch.uint8)
    labels = torch.from_numpy(bunch.target.astype(np.int64))
    idx_train, idx_test = train_test_split(
        np.arange(len(labels)), test_size=360, random_state=0, stratify=bunch.target
    )
    idx_train, idx_test = torch.from_numpy(idx_train), torch.from_numpy(idx_test)
    train = images[idx_train].float() / 255.0
    return Dataset(
        "digits",
        images[idx_train].contiguous(),
        labels[idx_train].contiguous(),
        images[idx_test].contiguous(),
        labels[idx_test].contiguous(),
        float(train.mean()),
        float(train.std()),
    )


def load_dataset(
    name: str = "auto", root: str | os.PathLike[str] | None = None, download: bool = True
) -> Dataset:
    """Load a digit data set as ``uint8`` image and ``int64`` label tensors.

    Args:
        name: ``"mnist"``, ``"digits"`` or ``"auto"`` (MNIST when present or downloadable,
            else digits, with a one-line notice on standard output). The environment variable
            ``DLBOOK_DATASET`` replaces ``"auto"`` by the name it holds: the publishing workflow
            sets ``DLBOOK_DATASET=mnist`` so that a published page never shows the fallback.
        root: folder that holds (or will hold) ``MNIST/raw/``; default :func:`default_root`.
        download: whether MNIST may be downloaded when its files are missing. Each network
            connection gives up after :data:`DOWNLOAD_TIMEOUT_S` seconds.

    Returns:
        The :class:`Dataset`; its ``name`` says which data set was loaded.

    Raises:
        ValueError: if ``name`` (or ``DLBOOK_DATASET``) is not one of :data:`NAMES`.
        DataNotFoundError: for ``"mnist"``, if the files are missing and cannot be downloaded;
            the message says where they were looked for and how to provide them.
    """
    if name not in NAMES:
        raise ValueError(f"name must be one of {', '.join(repr(n) for n in NAMES)}; got {name!r}")
    forced = os.environ.get("DLBOOK_DATASET", "").strip()
    if name == "auto" and forced:
        if forced not in NAMES:
            allowed = ", ".join(repr(n) for n in NAMES)
            raise ValueError(f"DLBOOK_DATASET must be one of {allowed}; got {forced!r}")
        name = forced
    folder = Path(root).expanduser() if root is not None else default_root()
    if name == "digits":
        return _load_digits()
    if name == "mnist":
        return _load_mnist(folder, download)
    try:
        return _load_mnist(folder, download)
    except DataNotFoundError:
        why = "download failed" if download else "files missing and download=False"
        print(
            f"dlbook: MNIST is not available under {folder} ({why}); using scikit-learn's digits instead.",
            file=sys.stdout,
        )
        return _load_digits()
