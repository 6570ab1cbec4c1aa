"""Warm kernels (book/_ext/warm_kernel.py): forked from a zygote, yet each one as fresh as a new process.

The build executes every page in such a kernel, so these tests check what a page could notice: its own
working directory and environment, an empty namespace (nothing left by the page before), the thread
budget, inline figures, interrupts, and that no process outlives its notebook. They start real kernels
(about a second each) and are marked slow.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import nbclient
import nbformat
import pytest
from conftest import ROOT, load_module

pytestmark = pytest.mark.slow

warm_kernel = load_module("warm_kernel", ROOT / "book" / "_ext" / "warm_kernel.py")


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory):
    proc, path = warm_kernel.start_zygote(tmp_path_factory.mktemp("zygote"))
    yield proc, path
    proc.kill()
    proc.wait()


def run(cells: list[str], manager: type, cwd: Path) -> list[str]:
    """Execute ``cells`` in a notebook with kernel manager class ``manager``; the text each cell printed."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = nbclient.NotebookClient(
        nb, kernel_manager_class=manager, timeout=60, resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream") for c in nb.cells]


def kernel_processes(path: str) -> set[int]:
    """Processes started from the zygote's socket path: launchers, and kernels (forks of the zygote)."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if path in cmdline:
                found.add(int(proc.name))
    return found


def gone(path: str, keep: set[int], seconds: float = 10.0) -> bool:
    """Whether, within ``seconds``, no process of the zygote at ``path`` is left but ``keep`` (exiting
    processes take a moment on a busy machine)."""
    deadline = time.monotonic() + seconds
    while kernel_processes(path) - keep:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_warm_kernel_starts_empty_in_its_own_folder_and_environment(zygote, tmp_path, monkeypatch) -> None:
    proc, path = zygote
    monkeypatch.setenv("DLBOOK_WARM_TEST", "first")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    first = run(
        [
            "import os, sys, torch\nleft_behind = 42\n"
            "print(os.getcwd(), os.environ['DLBOOK_WARM_TEST'], torch.get_num_threads(), os.getppid())",
        ],
        warm_kernel.warm_kernel_manager(path),
        tmp_path,
    )
    cwd, value, threads, parent = first[0].split()
    assert (Path(cwd), value, threads) == (tmp_path.resolve(), "first", "1")
    assert int(parent) == proc.pid  # it was forked by the zygote, not started afresh

    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("DLBOOK_WARM_TEST", "second")
    second = run(
        ["import os\nprint(os.getcwd(), os.environ['DLBOOK_WARM_TEST'], 'left_behind' in globals())"],
        warm_kernel.warm_kernel_manager(path),
        other,
    )
    assert second[0].split() == [str(other.resolve()), "second", "False"]


def test_warm_kernels_draw_new_random_seeds_and_show_figures_inline(zygote, tmp_path) -> None:
    _, path = zygote
    cells = ["import random\nimport numpy as np\nprint(random.random(), np.random.random())"]
    draws = [run(cells, warm_kernel.warm_kernel_manager(path), tmp_path)[0] for _ in range(2)]
    assert draws[0] != draws[1]  # as two fresh processes would; a plain fork would repeat the zygote's

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()")]
    )
    manager = warm_kernel.warm_kernel_manager(path)
    nbclient.NotebookClient(nb, kernel_manager_class=manager, timeout=60).execute()
    assert any("image/png" in o.get("data", {}) for o in nb.cells[0].outputs)


def test_a_warm_kernel_can_be_interrupted(zygote, tmp_path) -> None:
    _, path = zygote
    km = warm_kernel.warm_kernel_manager(path)()
    km.start_kernel(cwd=str(tmp_path))
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        msg_id = client.execute("import time\ntime.sleep(30)")
        while True:  # interrupt only once the cell runs (an idle kernel ignores it)
            msg = client.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                break
        time.sleep(0.5)
        km.interrupt_kernel()
        reply = client.get_shell_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def test_no_kernel_or_launcher_outlives_its_notebook(zygote, tmp_path) -> None:
    proc, path = zygote
    run(["print(1)"], warm_kernel.warm_kernel_manager(path), tmp_path)
    assert gone(path, keep={proc.pid}), "nbclient left the notebook's kernel running"
    km = warm_kernel.warm_kernel_manager(path)()
    km.start_kernel(cwd=str(tmp_path))
    launcher = km.provisioner.process.pid
    os.kill(launcher, signal.SIGKILL)  # a launcher killed outright takes its kernel with it
    os.waitpid(launcher, 0)
    assert gone(path, keep={proc.pid}), "the kernel outlived its killed launcher"
    km.cleanup_resources()


def test_without_a_zygote_the_launcher_is_an_ordinary_kernel(tmp_path) -> None:
    km = warm_kernel.warm_kernel_manager(str(tmp_path / "no-such.sock"))
    out = run(["import os\nprint(os.getcwd())"], km, tmp_path)
    assert Path(out[0].strip()) == tmp_path.resolve()


def test_a_zygote_that_is_not_ready_in_time_is_stopped_with_a_clear_error(tmp_path) -> None:
    with pytest.raises(RuntimeError, match=r"did not start within 0\.001 s"):
        warm_kernel.start_zygote(tmp_path, timeout=0.001)  # importing torch alone takes longer
    assert gone(str(tmp_path), keep=set()), "the zygote was left running"
