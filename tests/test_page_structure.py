"""Every content page teaches the same way: objectives, a summary, exercises with solutions, and practice.

Content pages are those of ``_toc.yml`` except the landing page and the reference part (glossary, API,
benchmarks, bibliography). Read from the MyST sources; that the solutions execute and their checks pass
is the build's job (a solution calls ``check(..., strict=True)``), and that they are hidden on load is
checked in the browser (``test_site_browser.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
from conftest import ROOT, load_module, notebooks
from dlbook.exercises import check, exercise_names, key_module

dlbook_cache = load_module("dlbook_cache", ROOT / "book" / "_ext" / "dlbook_cache.py")

REFERENCE = {"book/index", "book/glossary", "book/api", "book/benchmarks", "book/bibliography"}
CONTENT = [d for d in notebooks.toc_files() if d not in REFERENCE]
EXECUTABLE = {p.relative_to(ROOT).with_suffix("").as_posix() for p in notebooks.executable_pages()}

EXERCISE = re.compile(r"^(`{3,})\{exercise(?:-start)?\}\s*(.*)\n:label: (\S+)\n", re.MULTILINE)
SOLUTION = re.compile(r"^`{3,}\{solution(?:-start)?\} (\S+)\n", re.MULTILINE)


def text(docname: str) -> str:
    return (ROOT / f"{docname}.md").read_text(encoding="utf-8")


def section(source: str, heading: str) -> str:
    """The body of the level-2 section ``heading`` (up to the next level-2 heading)."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", source, flags=re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def exercises(source: str) -> list[tuple[str, str, str]]:
    """(label, title, body) of every exercise, in page order; the body runs to the exercise's end."""
    found = []
    for match in EXERCISE.finditer(source):
        fence, title, label = match.groups()
        rest = source[match.end() :]
        if "exercise-start" in match.group(0):
            end = re.search(r"^`{3,}\{exercise-end\}", rest, flags=re.MULTILINE)
        else:
            end = re.search(rf"^{fence}\s*$", rest, flags=re.MULTILINE)
        found.append((label, title, rest[: end.start()] if end else rest))
    return found


def solution_bodies(source: str) -> dict[str, str]:
    bodies = {}
    for match in SOLUTION.finditer(source):
        rest = source[match.end() :]
        end = re.search(r"^`{3,}\{solution-end\}|^`{3,}\s*$", rest, flags=re.MULTILINE)
        if "solution-start" in match.group(0):
            end = re.search(r"^`{3,}\{solution-end\}", rest, flags=re.MULTILINE)
        bodies[match.group(1)] = rest[: end.start()] if end else rest
    return bodies


@pytest.mark.parametrize("docname", CONTENT)
def test_page_opens_with_objectives_and_ends_with_summary_then_exercises(docname: str) -> None:
    source = text(docname)
    first_section = source.find("\n## ")
    assert "{admonition} Learning objectives" in source[:first_section], "no learning objectives at the top"
    headings = re.findall(r"^## (.+)$", source, flags=re.MULTILINE)
    assert headings[-2:] == ["Summary", "Exercises"], (
        f"the page should end with Summary, Exercises: {headings}"
    )
    points = re.findall(r"^- ", section(source, "Summary"), flags=re.MULTILINE)
    assert 3 <= len(points) <= 6, f"the summary has {len(points)} points"


@pytest.mark.parametrize("docname", CONTENT)
def test_three_to_five_exercises_each_marked_labelled_and_solved(docname: str) -> None:
    source = text(docname)
    found = exercises(source)
    labels = [label for label, _, _ in found]
    assert 3 <= len(labels) <= 5, f"{len(labels)} exercises"
    prefix = labels[0].rsplit("-", 1)[0]
    assert labels == [f"{prefix}-{n}" for n in range(1, len(labels) + 1)], labels
    assert all(re.search(r"★+\s*$", title) for _, title, _ in found), "every title ends with its difficulty"
    assert set(solution_bodies(source)) == set(labels), "every exercise has exactly one solution"
    hidden = re.findall(r"^`{3,}\{solution(?:-start)?\} (\S+)\n:class: dropdown$", source, flags=re.MULTILINE)
    assert sorted(hidden) == sorted(labels), "every solution is a dropdown, hidden until opened"
    assert any("predict" in title.lower() for _, title, _ in found), "no predict-then-run exercise"

    # Every name a student can check exists, and every exercise that asks for a check names its own label.
    checked = set(re.findall(r'check\("([\w-]+)"', source))
    assert checked <= set(exercise_names()), checked - set(exercise_names())
    for label, _, body in found:
        names = set(re.findall(r'check\("([\w-]+)"', body))
        assert names <= {label}, f"{label} checks {names}"


#: Exercises answered in words (their solutions explain): they have no answer key. Every other exercise
#: has one in dlbook.exercises.
DISCUSSION = {
    "definition-1",
    "examples-3",
    "what-is-learning-2",
    "what-is-learning-4",
    "concepts-2",
    "takeaways-4",
}


@pytest.mark.parametrize("docname", CONTENT)
def test_every_exercise_has_an_answer_key_unless_it_asks_for_an_explanation(docname: str) -> None:
    keyed = set(exercise_names())
    for label, _, _ in exercises(text(docname)):
        if label in DISCUSSION:
            assert label not in keyed, f"{label} has an answer key: take it off DISCUSSION"
        else:
            assert label in keyed, f"{label}: no answer key in dlbook.exercises (nor in DISCUSSION)"
            assert check(label, None, quiet=True) is False, f"{label}: the key accepts no answer"


def test_every_discussion_exercise_is_on_a_page() -> None:
    labels = {label for docname in CONTENT for label, _, _ in exercises(text(docname))}
    assert DISCUSSION <= labels, DISCUSSION - labels


@pytest.mark.parametrize("docname", sorted(EXECUTABLE & set(CONTENT)))
def test_executable_page_has_a_try_it_box_and_a_coding_exercise_checked_by_its_solution(docname: str) -> None:
    source = text(docname)
    assert re.search(r"^`{3,}\{admonition\} Try it", source, flags=re.MULTILINE), "no Try it box"
    solutions = solution_bodies(source)
    coding = [
        label
        for label, _, body in exercises(source)
        if "{code-cell}" in body
        and f'check("{label}"' in body
        and f'check("{label}"' in solutions.get(label, "")
        and "strict=True" in solutions[label]
    ]
    assert coding, "no coding exercise whose solution runs its check with strict=True"
    for label in coding:
        # the student's cell starts unanswered: a None to replace, or a stub that returns None
        assert re.search(r"\bNone\b|NotImplemented", exercises_body(source, label)), (
            f"{label}: no cell for the student to fill"
        )


def exercises_body(source: str, label: str) -> str:
    return next(body for name, _, body in exercises(source) if name == label)


@pytest.mark.parametrize("docname", sorted(EXECUTABLE))
def test_every_figure_is_numbered_with_caption_and_alt_text(docname: str) -> None:
    for cell in jupytext.read(Path(ROOT / f"{docname}.md")).cells:
        options = cell.metadata.get("mystnb", {}) if cell.cell_type == "code" else {}
        if "image" not in options and "plots.finish(" not in cell.source:
            continue
        figure = options.get("figure", {})
        assert figure.get("caption", "").strip() and figure.get("name"), (
            f"figure without caption: {cell.source[:80]}"
        )
        assert options.get("image", {}).get("alt", "").strip(), f"figure without alt text: {cell.source[:80]}"


@pytest.mark.parametrize("docname", sorted(EXECUTABLE & set(CONTENT)))
def test_page_imports_its_own_answer_keys_and_no_others(docname: str) -> None:
    """``check`` loads a page's keys when asked; the page imports them too, so that the build's cache
    runs the page again when they change, and only then (not when another page's keys change)."""
    source = text(docname)
    labels = set(re.findall(r'check\("([\w-]+)"', source)) & set(exercise_names())
    modules = {key_module(label) for label in labels}
    cells = [c.source for c in jupytext.read(ROOT / f"{docname}.md").cells if c.cell_type == "code"]
    project = dlbook_cache.Project(root=ROOT, package_dir=ROOT / "code" / "dlbook")
    closure = project.closure(dlbook_cache.page_modules(cells, project))
    keys = {m for m in closure if m.startswith("dlbook.exercises.")}
    assert modules <= keys, f"the page does not import {modules - keys}"
    others = {m for m in keys - modules if m not in project.closure(modules)}
    assert others == set(), f"the page depends on the answer keys of other pages: {others}"
