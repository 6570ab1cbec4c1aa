"""The GitHub workflows: valid against GitHub's schema, free of zizmor findings, pinned and least-privilege.

Both linters run offline: check-jsonschema with its vendored copy of the GitHub workflow schema, and
zizmor with ``--offline`` (no GitHub API calls).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
DEPLOY = ROOT / ".github" / "workflows" / "deploy.yml"
CI = ROOT / ".github" / "workflows" / "ci.yml"
TESTS = ROOT / ".github" / "workflows" / "test.yml"
BIN = Path(sys.executable).parent
SHA_RE = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True; give it back its name.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_there_are_workflows() -> None:
    assert DEPLOY in WORKFLOWS


def test_workflows_match_github_schema() -> None:
    proc = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing() -> None:
    proc = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "plain", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


def test_schema_check_catches_an_invalid_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("name: bad\non: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    proc = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(bad)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits(path: Path) -> None:
    uses = [step["uses"] for step in steps(load(path)) if "uses" in step]
    assert all(SHA_RE.match(u) for u in uses), [u for u in uses if not SHA_RE.match(u)]


def test_deploy_triggers_and_order() -> None:
    wf = load(DEPLOY)
    assert wf["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in wf["on"]
    jobs = wf["jobs"]
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["test"]["uses"] == "$/.github/workflows/test.yml"
    assert jobs["test"]["with"]["dataset"] == "mnist", "the published book's tests run on real MNIST"


def test_one_test_definition_runs_once_per_push_to_main() -> None:
    called = load(TESTS)
    assert list(called["on"]) == ["workflow_call"]
    (job,) = called["jobs"].values()
    assert [s["run"] for s in job["steps"] if ".ci/run" in s.get("run", "")] == ["bash .ci/run"]
    assert called["jobs"]["test"]["env"]["DLBOOK_DATASET"] == "${{ inputs.dataset }}"
    # ci.yml and deploy.yml call it and run no test steps of their own
    for path in (CI, DEPLOY):
        wf = load(path)
        callers = [name for name, j in wf["jobs"].items() if j.get("uses") == "$/.github/workflows/test.yml"]
        assert callers == ["test"], path.name
        assert not any(".ci/run" in s.get("run", "") for s in steps(wf)), path.name
    ci, deploy = load(CI), load(DEPLOY)
    assert ci["on"]["push"] == {"branches-ignore": ["main"]} and "pull_request" in ci["on"]
    assert deploy["on"]["push"]["branches"] == ["main"]


def test_torch_versions_come_from_requirements_txt() -> None:
    pins = re.findall(r"^(torch|torchvision)==\S+$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert sorted(pins) == ["torch", "torchvision"]
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"torch(vision)?==", text), f"{path.name} types a torch version"
        if "torch" in text:
            assert "grep -E '^(torch|torchvision)==' requirements.txt" in text, path.name


def test_mnist_cache_key_is_shared() -> None:
    key = load(DEPLOY)["env"]["MNIST_KEY"]
    caches = [s for s in steps(load(TESTS)) if s.get("with", {}).get("path") == "/github/home/mnist"]
    assert [s["with"]["key"] for s in caches] == [key]


def test_deploy_permissions_are_least_privilege() -> None:
    wf = load(DEPLOY)
    assert wf["permissions"] == {}
    assert wf["jobs"]["test"]["permissions"] == {"contents": "read"}
    assert wf["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_deploy_publishes_pages_with_the_official_actions() -> None:
    wf = load(DEPLOY)
    build = [s.get("uses", "").split("@")[0] for s in wf["jobs"]["build"]["steps"]]
    deploy = [s.get("uses", "").split("@")[0] for s in wf["jobs"]["deploy"]["steps"]]
    assert "actions/upload-pages-artifact" in build
    assert deploy == ["actions/deploy-pages"]
    upload = next(s for s in wf["jobs"]["build"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    runs = "\n".join(s.get("run", "") for s in wf["jobs"]["build"]["steps"])
    assert "make pdf" in runs and ".nojekyll" in runs and "book.pdf" in runs


def test_deploy_requires_real_mnist_and_caches_execution() -> None:
    wf = load(DEPLOY)
    assert wf["env"]["DLBOOK_DATASET"] == "mnist"
    assert wf["env"]["DLBOOK_DATA"]
    build = wf["jobs"]["build"]["steps"]
    caches = [s for s in build if s.get("uses", "").startswith("actions/cache@")]
    execution = [s for s in caches if s["with"]["path"] == "_build/.jupyter_cache"]
    assert len(execution) == 1
    # the newest database is restored whatever changed; the extension re-runs the pages that need it
    key, restore = execution[0]["with"]["key"], execution[0]["with"]["restore-keys"]
    assert "MNIST_KEY" in key and "github.sha" in key
    assert restore.strip() == key.split("${{ github.sha }}")[0]
    runs = "\n".join(s.get("run", "") for s in build)
    assert "MNIST/raw" in runs
    # the post-build check greps for the notice that dlbook.data prints when it falls back
    notice = re.search(r'grep -rl "([^"]+)" _build/html', runs).group(1)
    assert notice in (ROOT / "code" / "dlbook" / "data.py").read_text()


def test_checkouts_do_not_keep_credentials() -> None:
    for path in WORKFLOWS:
        for step in steps(load(path)):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, path.name


def evaluate(expression: str, variables: dict[str, str]) -> str | bool:
    """A GitHub Actions expression of the forms the workflows use: ``vars.X``, ``'text'``, ``a != b``,
    ``a && b`` and ``a || b`` (``&&`` binds tighter; both return an operand, as GitHub's do)."""
    inner = expression.strip()
    if inner.startswith("${{"):
        inner = inner.removeprefix("${{").removesuffix("}}").strip()

    def value(token: str) -> str:
        token = token.strip()
        if token.startswith("'") and token.endswith("'"):
            return token[1:-1]
        if token.startswith("vars."):
            return variables.get(token.removeprefix("vars."), "")
        raise ValueError(f"unsupported operand {token!r}")

    def term(text: str) -> str | bool:
        if "!=" in text:
            left, right = text.split("!=")
            return value(left) != value(right)
        return value(text)

    result: str | bool = False
    for alternative in inner.split("||"):
        operands = [term(t) for t in alternative.split("&&")]
        current = operands[0]
        for operand in operands[1:]:
            current = operand if current else current
        if current:
            return current
        result = current
    return result


def test_the_expression_evaluator_follows_github_semantics() -> None:
    assert evaluate("${{ vars.A || 'x' }}", {}) == "x"
    assert evaluate("${{ vars.A || 'x' }}", {"A": "y"}) == "y"
    assert evaluate("${{ vars.A && 'on' || '' }}", {"A": "y"}) == "on"
    assert evaluate("${{ vars.A && 'on' || '' }}", {}) == ""
    assert evaluate("${{ vars.A != '' }}", {"A": "y"}) is True


@pytest.mark.parametrize("gpu_runner", ["", "gpu-h100"])
def test_gpu_runner_variable_chooses_the_machine_the_container_and_torch(
    gpu_runner: str, tmp_path: Path
) -> None:
    build = load(DEPLOY)["jobs"]["build"]
    variables = {"GPU_RUNNER": gpu_runner} if gpu_runner else {}
    assert evaluate(build["runs-on"], variables) == (gpu_runner or "ubuntu-latest")
    assert evaluate(build["container"]["options"], variables) == ("--gpus all" if gpu_runner else "")
    assert build["container"]["image"] == "python:3.11-bookworm"
    assert build["env"]["GPU_RUNNER"] == "${{ vars.GPU_RUNNER }}"
    check = next(s for s in build["steps"] if "cuda.is_available" in s.get("run", ""))
    assert evaluate(check["if"], variables) is bool(gpu_runner)

    # The install step, run for real with stand-ins for python3 -m venv and pip that record the call.
    (step,) = [
        s for s in build["steps"] if "grep -E '^(torch|torchvision)==' requirements.txt" in s.get("run", "")
    ]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(
        "#!/bin/sh\nmkdir -p .venv/bin\nprintf '#!/bin/sh\\necho \"$@\" > pip.args\\n' > .venv/bin/pip\n"
        "chmod +x .venv/bin/pip\n"
    )
    (bin_dir / "python3").chmod(0o755)
    (tmp_path / "requirements.txt").write_text((ROOT / "requirements.txt").read_text())
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "GPU_RUNNER": gpu_runner}
    subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path, env=env, check=True)
    args = (tmp_path / "pip.args").read_text().split()
    pins = re.findall(r"^(?:torch|torchvision)==\S+$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert set(pins) <= set(args)
    index = args[args.index("--index-url") + 1]
    assert index == ("https://pypi.org/simple" if gpu_runner else "https://download.pytorch.org/whl/cpu")
