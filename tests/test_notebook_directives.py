"""The Colab notebooks show the book's directives as plain Markdown (tools/notebooks.py).

Jupyter and Colab cannot show MyST directives. In the generated notebooks an admonition becomes a block
quote, an exercise a heading with the name ``check`` takes, a solution a collapsed ``<details>`` block, and
the code cells of a gated solution come after a "Solution" heading, collapsed, never before the
student's own cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, BuiltBook, notebooks

PAGE = """\
```{admonition} Try it
:class: seealso
Change `x`.
```

```{exercise} Title ★
:label: page-1

Question?
```

```{solution} page-1
:class: dropdown

Answer.
```
"""


def test_directives_become_plain_markdown() -> None:
    text = notebooks.plain_directives(PAGE)
    assert "> **Try it**\n>\n> Change `x`." in text
    assert "### Exercise page-1: Title ★\n\nQuestion?" in text
    assert "<details>\n<summary>Solution to page-1</summary>\n\nAnswer.\n\n</details>" in text
    assert "{" not in text and ":label:" not in text and ":class:" not in text


def test_every_notebook_keeps_its_exercises_and_hides_solutions_after_the_students_cell() -> None:
    pages = [p for p in notebooks.executable_pages() if "{exercise" in p.read_text(encoding="utf-8")]
    assert pages, "no page has exercises yet"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        labels = re.findall(r"^:label: (\S+)$", text, re.MULTILINE)
        exercise_labels = [
            m.group(2)
            for m in re.finditer(r"^(`{3,})\{exercise(?:-start)?\}[^\n]*\n:label: (\S+)", text, re.M)
        ]
        nb = notebooks.make_notebook(page)
        cells = nb.cells
        markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        assert "{exercise" not in markdown and "{solution" not in markdown, page.name
        for label in exercise_labels:
            assert label in labels
            assert f"### Exercise {label}" in markdown, f"{page.name}: exercise {label} lost"
            heading = next(
                i
                for i, c in enumerate(cells)
                if c.cell_type == "markdown" and f"### Exercise {label}" in c.source
            )
            solution = [
                i
                for i, c in enumerate(cells)
                if c.cell_type == "markdown" and f"Solution to {label}" in c.source
            ]
            assert solution and (
                solution[0] > heading
                or cells[heading].source.index("Solution to") > cells[heading].source.index("### Exercise")
            ), f"{page.name}: {label} has no solution after it"
            students = [
                i
                for i in range(heading, solution[0])
                if cells[i].cell_type == "code" and f'check("{label}"' in cells[i].source
            ]
            gated = [
                i
                for i in range(solution[0], len(cells))
                if cells[i].cell_type == "code"
                and f'check("{label}"' in cells[i].source
                and "strict=True" in cells[i].source
            ]
            if gated:  # a coding exercise: the student's cell first, the collapsed solution after it
                assert students and students[0] < gated[0], f"{page.name}: {label}'s solution runs first"
                assert cells[gated[0]].metadata["jupyter"]["source_hidden"] is True
                assert "None" in cells[students[0]].source, f"{page.name}: {label}'s cell is not a stub"


def test_roles_become_links_to_the_published_book_and_values_of_the_build() -> None:
    links = notebooks.Links(
        site="https://example.org/book/",
        citations={"hebb1949": "Hebb (1949)"},
        terms={"ltp": "LTP"},
        values={"rate": "12.3456"},
    )
    text = notebooks.plain_roles(
        "{cite:t}`hebb1949` saw {glue:text}`rate:.1f` Hz; see {term}`Long-term potentiation <LTP>`, "
        "{doc}`the brain </book/nature/brain>` and {func}`dlbook.neurons.epsp`.",
        links,
    )
    assert text.startswith(
        "[Hebb (1949)](https://example.org/book/book/bibliography.html#cite-hebb1949) saw "
    )
    assert notebooks.glue_span("rate", "12.3") in text
    assert "[Long-term potentiation](https://example.org/book/book/glossary.html#term-LTP)" in text
    assert "[the brain](https://example.org/book/book/nature/brain.html)" in text
    assert "[`dlbook.neurons.epsp`](https://example.org/book/book/api.html#dlbook.neurons.epsp)" in text
    assert not notebooks.ROLE_RE.search(text)


def markdown_of(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_committed_notebooks_show_numbers_and_names_not_myst() -> None:
    keys = set(notebooks.citations())
    for page in notebooks.executable_pages():
        text = markdown_of(page.with_suffix(".ipynb"))
        name = page.relative_to(ROOT).as_posix()
        assert not notebooks.ROLE_RE.search(text), (
            f"{name}: a MyST role is left: {notebooks.ROLE_RE.search(text)}"
        )
        assert "{glue" not in text and "…</span>" not in text, f"{name}: a glued value is missing"
        prose = re.sub(r"\]\([^)]*\)|<https?://[^>]*>", "]", text)  # link targets may hold keys and names
        left = sorted(k for k in keys if re.search(rf"\b{re.escape(k)}\b", prose))
        assert not left, f"{name}: citation keys left in the text: {left}"


@pytest.mark.slow
def test_notebook_links_reach_pages_and_anchors_of_the_built_book(built_book: BuiltBook) -> None:
    site = notebooks.site_url()
    broken = []
    for page in notebooks.executable_pages():
        for target in sorted(
            set(
                re.findall(
                    rf"\]\({re.escape(site)}([^)#\s]+)(?:#([^)\s]+))?\)",
                    markdown_of(page.with_suffix(".ipynb")),
                )
            )
        ):
            path, anchor = built_book.html / target[0], target[1]
            if not path.is_file():
                broken.append(f"{page.name}: {target[0]} (no page)")
            elif anchor and f'id="{anchor}"' not in path.read_text(encoding="utf-8"):
                broken.append(f"{page.name}: {target[0]}#{anchor} (no anchor)")
    assert broken == []
