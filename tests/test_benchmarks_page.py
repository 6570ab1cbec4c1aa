"""The recorded benchmark results, the Benchmarks page that shows them, and reading them without a checkout.

* every JSON file in benchmarks/results/ carries its provenance and reduces to speed ratios;
* the built Benchmarks page has a row for every result file, naming the device its JSON names, and says
  so where lenet-gpu.json has not been recorded; the GPU page has its throughput figure;
* where there is no checkout (Colab), results are read from the release tag on GitHub: the URL is built
  from the repository URL of the package's metadata (the same as _config.yml's) and the tag, and an
  unreachable network gives a clear error after a short timeout. The network is never used here: the
  fetch is replaced by a stand-in.
"""

from __future__ import annotations

import ast
import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
from pathlib import Path
from typing import ClassVar

import dlbook
import jupytext
import pytest
import tomllib
import yaml
from conftest import ROOT, BuiltBook, article, figure_image, glue_values, text_of
from dlbook import benchmarks

RESULTS = ROOT / "benchmarks" / "results"
RESULT_FILES = sorted(RESULTS.glob("*.json"))
PAGE = "book/benchmarks"
GPUS = "book/history/gpus"
CONFIG_URL = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]


# --- the recorded results ---------------------------------------------------------------------------------


def test_there_are_recorded_results():
    names = {p.name for p in RESULT_FILES}
    assert {"lenet-cpu.json", "autodiff.json", "plasticity.json"} <= names
    assert names <= set(benchmarks.RECORDED), "a new result file must be listed in benchmarks.RECORDED"


@pytest.mark.parametrize("path", RESULT_FILES, ids=lambda p: p.name)
def test_every_result_has_its_provenance_and_ratios(path: Path):
    result = json.loads(path.read_text(encoding="utf-8"))
    for key in benchmarks.PROVENANCE:
        assert key in result and result[key] not in (None, "", []), f"{path.name}: no {key}"
    assert result["date"][:4].isdigit() and "T" in result["date"], result["date"]
    assert result["command"].startswith("python benchmarks/"), result["command"]
    assert len(result["load_average_before"]) == 3 and len(result["load_average_after"]) == 3
    found = benchmarks.comparisons(result)
    assert found and all(c.speedup > 0 for c in found)


def test_comparisons_reject_an_unknown_benchmark():
    with pytest.raises(ValueError, match="result\\['benchmark'\\] must be"):
        benchmarks.comparisons({"benchmark": "turbo"})


def test_write_result_names_the_missing_provenance(tmp_path):
    with pytest.raises(ValueError, match=r"missing .*date"):
        benchmarks.write_result({"benchmark": "x", "device": "y"}, tmp_path / "r.json")
    assert not list(tmp_path.iterdir())
    record = {key: "x" for key in benchmarks.PROVENANCE}
    path = benchmarks.write_result(record, tmp_path / "sub" / "r.json")
    assert json.loads(path.read_text()) == record and [p.name for p in path.parent.iterdir()] == ["r.json"]


def test_provenance_names_the_commit_and_the_command():
    p = benchmarks.provenance(ROOT, argv=["benchmarks/x.py", "--flag"])
    assert p["command"] == "python benchmarks/x.py --flag"
    assert len(p["git_commit"].removesuffix("-dirty")) == 40
    assert p["dlbook"] == dlbook.__version__ and p["cpu_count"] >= 1


@pytest.mark.slow
def test_a_short_autodiff_run_is_not_recorded_unless_asked(tmp_path):
    before = (RESULTS / "autodiff.json").stat().st_mtime_ns
    env = {**os.environ, "PYTHONPATH": str(ROOT / "code")}
    script = str(ROOT / "benchmarks" / "autodiff.py")
    run = [sys.executable, script, "--repeats", "2", "--warmup", "0"]
    proc = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "not recorded" in proc.stdout
    assert (RESULTS / "autodiff.json").stat().st_mtime_ns == before
    out = tmp_path / "autodiff.json"
    proc = subprocess.run(
        [*run, "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["repeats"] == 2 and result["command"].endswith("--out " + str(out))
    assert len(result["engine"]["seconds"]) == 2 and benchmarks.comparisons(result)[0].speedup > 0


# --- reading without a checkout ---------------------------------------------------------------------------


def test_the_repository_url_is_the_one_of_the_book():
    urls = tomllib.loads((ROOT / "code" / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Repository"] == CONFIG_URL
    assert benchmarks.repository_url() == CONFIG_URL, "the installed metadata is stale: pip install -e code"


def test_raw_url_is_built_from_the_repository_and_the_release_tag():
    assert benchmarks.release_tag() == f"v{dlbook.__version__}"
    owner_repo = CONFIG_URL.removeprefix("https://github.com/")
    assert benchmarks.raw_url("lenet-gpu.json") == (
        f"https://raw.githubusercontent.com/{owner_repo}/v{dlbook.__version__}/benchmarks/results/lenet-gpu.json"
    )
    assert benchmarks.raw_url("a.json", repository="https://github.com/o/r/", tag="v9") == (
        "https://raw.githubusercontent.com/o/r/v9/benchmarks/results/a.json"
    )
    with pytest.raises(ValueError, match=re.escape("repository must be https://github.com/<owner>/<name>")):
        benchmarks.raw_url("a.json", repository="https://gitlab.com/o/r")


@pytest.fixture
def fetched(monkeypatch):
    """Replaces the network: records each (url, timeout) asked for and answers from ``fetched.files``."""

    class Fake:
        calls: ClassVar[list[tuple[str, float]]] = []
        files: ClassVar[dict[str, bytes]] = {}
        offline = False

    def fake_fetch(url: str, timeout: float):
        Fake.calls.append((url, timeout))
        if Fake.offline:
            raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))
        return Fake.files.get(url.rsplit("/", 1)[1])

    monkeypatch.setattr(benchmarks, "fetch", fake_fetch)
    return Fake


def test_without_a_checkout_results_come_from_the_release(tmp_path, fetched):
    missing = tmp_path / "no-checkout" / "benchmarks" / "results"
    fetched.files = {"lenet-cpu.json": json.dumps({"device": "Test CPU"}).encode()}
    assert benchmarks.read_result(missing, "lenet-cpu.json") == {"device": "Test CPU"}
    assert benchmarks.read_result(missing, "lenet-gpu.json") is None  # 404: never recorded
    url, timeout = fetched.calls[0]
    assert url == benchmarks.raw_url("lenet-cpu.json") and 0 < timeout <= 10
    everything = benchmarks.read_results(missing)
    assert (
        list(everything) == list(benchmarks.RECORDED) and everything["lenet-cpu.json"]["device"] == "Test CPU"
    )
    assert benchmarks.source(missing).endswith(f"/v{dlbook.__version__}/benchmarks/results")


def test_with_a_checkout_the_network_is_not_used(fetched):
    assert benchmarks.read_result(RESULTS, "lenet-cpu.json")["benchmark"] == "lenet5-training"
    assert benchmarks.read_result(RESULTS, "no-such-result.json") is None
    assert set(benchmarks.read_results(RESULTS)) >= {p.name for p in RESULT_FILES}
    assert fetched.calls == []


def test_offline_gives_a_clear_message_once(tmp_path, fetched):
    fetched.offline = True
    missing = tmp_path / "benchmarks" / "results"
    with pytest.raises(benchmarks.ResultsUnavailable) as err:
        benchmarks.read_results(missing)
    message = str(err.value)
    assert benchmarks.raw_url("lenet-cpu.json") in message
    assert "offline" in message and "benchmarks/results" in message and "name resolution" in message
    assert len(fetched.calls) == 1, "the first unreachable file stops the reading: no wait per file"
    assert isinstance(err.value, OSError)


def test_fetch_passes_its_timeout_and_a_slow_server_is_an_error(monkeypatch, tmp_path):
    asked = {}

    def hanging(url, timeout):
        asked["timeout"] = timeout
        raise TimeoutError("timed out")

    monkeypatch.setattr(benchmarks.urllib.request, "urlopen", hanging)
    with pytest.raises(benchmarks.ResultsUnavailable, match="no answer within 5 s"):
        benchmarks.read_result(tmp_path / "missing", "lenet-cpu.json")
    assert asked["timeout"] == benchmarks.FETCH_TIMEOUT == 5.0


# --- the pages' wording, run on made-up results -----------------------------------------------------------


def page_functions(docname: str, marker: str) -> dict:
    """The imports, functions and constants of the one code cell of a page that contains ``marker``."""
    cells = [c.source for c in jupytext.read(ROOT / f"{docname}.md").cells if c.cell_type == "code"]
    found = [c for c in cells if marker in c]
    assert len(found) == 1, f"{docname} must define {marker!r} in exactly one code cell"
    tree = ast.parse(found[0])
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef)
    tree.body = [
        node
        for node in tree.body
        if isinstance(node, keep)
        or (
            isinstance(node, ast.Assign)
            and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
        )
    ]
    namespace: dict = {}
    exec(compile(tree, f"{docname}.md", "exec"), namespace)
    return namespace


def test_the_summary_has_a_row_per_file_and_says_what_is_not_recorded():
    page = page_functions(PAGE, "def summary_rows(")
    recorded = {p.name: json.loads(p.read_text()) for p in RESULT_FILES}
    results = {name: recorded.get(name) for name in benchmarks.RECORDED}
    rows = page["summary_rows"](results)
    assert [r[0].strip("`") for r in rows] == list(benchmarks.RECORDED)
    for row, result in zip(rows, results.values(), strict=True):
        if result is None:
            assert "not recorded" in row[1]
        else:
            assert row[4] == result["device"]
            assert row[3] == page["ratio_text"](benchmarks.comparisons(result)[0].speedup)
    assert page["ratio_text"](2.44) == "2.4× faster" and page["ratio_text"](0.96) == "1.04× slower"
    assert page["ratio_text"](134.7) == "135× faster"
    dated = page["provenance_rows"](results)
    assert [r[1] for r in dated] == [r["date"][:10] for r in results.values() if r is not None]


def test_the_lenet_sentence_counts_passes_from_the_runs():
    page = page_functions(PAGE, "def lenet_sentence(")
    record = json.loads((RESULTS / "lenet-cpu.json").read_text())
    text = page["lenet_sentence"](record)
    assert record["device"] in text
    assert f"{record['ratios']['images_per_second']:.1f} times as many" in text
    assert f"{record['ratios']['time_to_target']:.1f} times sooner" in text
    passes = benchmarks.passes_to_target(record)
    classic = benchmarks.epochs_to_target(record["classic"]["test_accuracy"], record["target_accuracy"])
    assert f"after {passes[0]}" in text and f"classic loop's {classic}" in text


def test_the_autodiff_sentence_says_which_engine_was_faster():
    autodiff_sentence = page_functions(PAGE, "def autodiff_sentence(")["autodiff_sentence"]
    record = json.loads((RESULTS / "autodiff.json").read_text())
    for engine_ms, expected in ((30.0, "took 1.5 times as long as"), (10.0, "was 2.0 times as fast as")):
        record["engine"]["median_seconds"], record["baseline"]["median_seconds"] = engine_ms / 1e3, 0.02
        assert expected in autodiff_sentence(record)
    assert "No result" in autodiff_sentence(None)


# --- the built pages --------------------------------------------------------------------------------------


def summary_table(book: BuiltBook):
    """Rows (lists of cell texts) of the Benchmarks page's table that has a 'device' column."""
    for table in article(book, PAGE).find_all("table"):
        header = [text_of(th).strip() for th in table.find_all("th")]
        if "result" in header and "device" in header:
            return header, [
                [text_of(td).strip() for td in tr.find_all("td")] for tr in table.find_all("tr")[1:]
            ]
    raise AssertionError("the Benchmarks page has no table of all results")


@pytest.mark.slow
def test_benchmarks_page_shows_every_result_with_its_device(built_book: BuiltBook):
    header, rows = summary_table(built_book)
    by_file = {row[0]: row for row in rows}
    device = header.index("device")
    for path in RESULT_FILES:
        result = json.loads(path.read_text(encoding="utf-8"))
        assert path.name in by_file, f"no row for {path.name}"
        assert by_file[path.name][device] == result["device"]
    if not (RESULTS / "lenet-gpu.json").is_file():
        assert "not recorded" in " ".join(by_file["lenet-gpu.json"])
        assert "No GPU result has been recorded yet" in glue_values(built_book, PAGE)["bench_gpu_sentence"]
    text = text_of(article(built_book, PAGE))
    for path in RESULT_FILES:  # the date, command and commit of each
        result = json.loads(path.read_text(encoding="utf-8"))
        assert result["date"][:10] in text and result["command"] in text and result["git_commit"][:12] in text


@pytest.mark.slow
def test_gpu_page_has_its_throughput_figure(built_book: BuiltBook):
    figure_image(built_book, GPUS, "fig-gpu-throughput")
    v = glue_values(built_book, GPUS)
    assert v["gpu_model_sentence"].startswith("On ")
