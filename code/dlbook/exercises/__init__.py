r"""Check an exercise's answer without seeing its solution: ``check("hebbian-2", answer)``.

Each exercise of the book has a name (``<page>-<number>``, as printed above it) and an *answer key*: a
function of the student's answer that says whether it is right and, when it is not, gives a hint
without giving the answer away. The expected values are computed by the package's own functions when
the check runs (never typed in), so they stay true when the code changes. Checking needs no network,
so it works the same in Colab, Binder, a local Jupyter and the book's build.

A number is right when it lies within the stated tolerance of the expected value :math:`a`,

.. math::

   |x - a| \le \max(\text{atol},\ \text{rtol}\,|a|).

In a notebook::

    from dlbook.exercises import check
    check("brain-2", my_rheobase_in_nanoamperes)   # prints ✓ or a hint; returns True or False

``check`` never raises for a wrong or missing answer (``None`` means "not answered yet"), so a
notebook runs top to bottom before the student has filled anything in; an unknown exercise name is a
``KeyError`` that lists the names that exist. The book's solutions call ``check(..., strict=True)``,
which raises :class:`WrongAnswer`, so a solution that stops being right fails the build.

The answer keys live in one module per page (``dlbook.exercises.plasticity``, ...), each registering
its keys with :func:`answer_key`; ``check`` imports the module of the exercise's page (see
:func:`key_module`) when it is first asked about it.

Used on the pages :doc:`/book/introduction/examples`, :doc:`/book/nature/brain`,
:doc:`/book/nature/plasticity`, :doc:`/book/nature/hebbian`, :doc:`/book/nature/hebbian-further`,
:doc:`/book/history/index`, :doc:`/book/history/mcculloch-pitts`, :doc:`/book/history/backpropagation`,
:doc:`/book/history/representations`, :doc:`/book/history/cnn`, :doc:`/book/history/gpus`,
:doc:`/book/history/generative`, :doc:`/book/concepts/tpe` and :doc:`/book/concepts/dl-vs-ml`.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import math
import numbers
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Verdict", "WrongAnswer", "answer_key", "check", "exercise_names", "expect_number", "key_module"]


class WrongAnswer(AssertionError):
    """Raised by ``check(..., strict=True)`` when the answer is not right."""


@dataclass(frozen=True)
class Verdict:
    """What a key says about an answer: right or not, and a message for the student."""

    correct: bool
    message: str


Key = Callable[[Any], Verdict]
_KEYS: dict[str, Key] = {}


def answer_key(name: str) -> Callable[[Key], Key]:
    """Register the decorated function as the answer key of exercise ``name`` (``<page>-<n>``)."""
    if not name or name != name.strip() or " " in name:
        raise ValueError(f"name must be a non-empty exercise name without spaces, got {name!r}")

    def register(key: Key) -> Key:
        if name in _KEYS and _KEYS[name] is not key:
            raise ValueError(f"exercise {name!r} already has an answer key")
        _KEYS[name] = key
        return key

    return register


def key_module(name: str) -> str:
    """The module that holds the answer key of exercise ``name``: ``"hebbian-further-2"`` is answered in
    ``dlbook.exercises.hebbian_further``, the page's name with ``_`` for ``-``."""
    page = str(name).rsplit("-", 1)[0]
    return f"{__name__}.{page.replace('-', '_')}"


def _load_keys(name: str | None = None) -> None:
    """Import the answer keys of the page of exercise ``name``, or of every page when ``name`` is None.

    Only one page's keys are loaded for a check, so checking an exercise on a page without a network
    does not load torch, and a page that checks its answers depends on its own keys only (it imports
    them, which is how the book's build knows to run the page again when they change).
    """
    if name is None:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        return
    module = key_module(name)
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)


def exercise_names() -> list[str]:
    """Every exercise that has an answer key, sorted."""
    _load_keys()
    return sorted(_KEYS)


def _as_number(answer: Any) -> float | None:
    """``answer`` as a float when it is one real number (Python, NumPy or a 0-d/1-element tensor)."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):
        return float(answer)
    item = getattr(answer, "item", None)
    size = getattr(answer, "size", None)
    numel = getattr(answer, "numel", None)
    count = size if isinstance(size, int) else (numel() if callable(numel) else None)
    if callable(item) and count == 1:
        value = item()
        return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else None
    return None


def expect_number(
    answer: Any,
    expected: float,
    *,
    rtol: float = 1e-2,
    atol: float = 0.0,
    unit: str = "",
    hint: str = "",
) -> Verdict:
    """The verdict on a numerical answer, within ``max(atol, rtol * |expected|)`` of ``expected``.

    The message of a wrong answer says whether it is too large or too small and by roughly how much
    (a factor, or a power of ten when it is far off, which usually means a unit), never the value.
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    x = _as_number(answer)
    if x is None:
        return Verdict(
            False, f"Expected one number{f' (in {unit})' if unit else ''}, got {type(answer).__name__}."
        )
    if not math.isfinite(x):
        return Verdict(False, f"Expected a finite number, got {x}.")
    tolerance = max(atol, rtol * abs(expected))
    if abs(x - expected) <= tolerance:
        return Verdict(True, "Correct.")
    direction = "too large" if x > expected else "too small"
    ratio = abs(x / expected) if expected else math.inf
    if expected and x and (ratio >= 50 or ratio <= 1 / 50):
        decades = round(math.log10(ratio))
        units = f"check the units{f' ({unit})' if unit else ''}"
        detail = f"{direction} by about a factor of 10^{abs(decades)}: {units}"
    else:
        detail = direction
    return Verdict(False, f"Not yet: your answer is {detail}." + (f" Hint: {hint}" if hint else ""))


def expect_equal(answer: Any, expected: Any, *, describe: str = "", hint: str = "") -> Verdict:
    """The verdict on an answer that must equal ``expected`` exactly (ints, strings, tuples, arrays)."""
    if isinstance(expected, np.ndarray) or isinstance(answer, np.ndarray):
        try:
            ok = np.array_equal(np.asarray(answer), np.asarray(expected))
        except (TypeError, ValueError):
            ok = False
    else:
        ok = answer == expected
    if ok:
        return Verdict(True, "Correct.")
    what = f" {describe}" if describe else ""
    return Verdict(False, f"Not yet: that is not the expected{what}." + (f" Hint: {hint}" if hint else ""))


def expect_choice(answer: Any, correct: str | Iterable[str], options: str, *, hint: str = "") -> Verdict:
    """The verdict on a multiple-choice answer: one letter, or a set of letters, from ``options``."""
    wanted = {correct} if isinstance(correct, str) else set(correct)
    if isinstance(answer, str):
        given = {c for c in answer.upper() if not c.isspace() and c != ","}
    elif isinstance(answer, Iterable):
        given = {str(a).strip().upper() for a in answer}
    else:
        return Verdict(False, f"Answer with a letter from {', '.join(options)}, as a string such as 'B'.")
    unknown = given - set(options)
    if unknown or not given:
        return Verdict(
            False, f"Answer with letters from {', '.join(options)}; got {sorted(unknown) or 'none'}."
        )
    if given == wanted:
        return Verdict(True, "Correct.")
    return Verdict(False, "Not yet." + (f" Hint: {hint}" if hint else ""))


def check(name: str, answer: Any, *, strict: bool = False, quiet: bool = False) -> bool:
    """Say whether ``answer`` is right for exercise ``name``, with a hint when it is not.

    Args:
        name: the exercise, e.g. ``"brain-2"`` (the label printed above it in the book).
        answer: your answer: a number, a letter, a function or a model, as the exercise asks.
            ``None`` means not answered yet.
        strict: raise :class:`WrongAnswer` instead of returning ``False`` (the book's solutions).
        quiet: print nothing.

    Returns:
        ``True`` when the answer is right.

    Raises:
        KeyError: no exercise has that name (the message lists close matches).
        WrongAnswer: with ``strict=True``, when the answer is not right.
    """
    _load_keys(name)
    if name not in _KEYS:
        _load_keys()  # to name the exercises that do exist
        close = difflib.get_close_matches(str(name), _KEYS, n=3)
        known = (
            f"did you mean {', '.join(map(repr, close))}?" if close else f"known: {', '.join(sorted(_KEYS))}"
        )
        raise KeyError(f"no exercise named {name!r}; {known}")
    if answer is None:
        verdict = Verdict(False, "No answer yet: replace None with your answer and run the cell again.")
    elif answer is NotImplemented or answer is Ellipsis:
        verdict = Verdict(False, "No answer yet: fill in the cell above and run it again.")
    else:
        try:
            verdict = _KEYS[name](answer)
        except Exception as exc:  # a student's function that raises is a wrong answer, not a crash
            verdict = Verdict(False, f"Checking your answer raised {type(exc).__name__}: {exc}")
    if not quiet:
        print(f"{name}: {'✓' if verdict.correct else '✗'} {verdict.message}")
    if strict and not verdict.correct:
        raise WrongAnswer(f"{name}: {verdict.message}")
    return verdict.correct
