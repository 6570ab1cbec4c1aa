"""The Colab notebooks show the book's directives as plain Markdown (tools/notebooks.py).

Jupyter and Colab cannot show MyST directives. In the generated notebooks an admonition becomes a block
quote, an exercise a heading with the name ``check`` takes, a solution a collapsed ``<details>`` block, and
the code cells of a gated solution come after a "Solution" heading, collapsed, never before the
student's own cell.
"""

from __future__ import annotations

import re

from conftest import notebooks

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
