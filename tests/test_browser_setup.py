"""tools/browser.py: the order in which `make test` finds or installs Chromium, checked with fakes.

Nothing here installs anything: the installers are fakes that record their calls and, when they
"succeed", make their browser exist.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, load_module

browser = load_module("browser", ROOT / "tools" / "browser.py")

DEBIAN_SHELL = Path("/usr/bin/chromium-headless-shell")
DEBIAN = Path("/usr/bin/chromium")
PLAYWRIGHT = Path("/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome")
PLAYWRIGHT_SHELL = browser.headless_shell_of(PLAYWRIGHT)
CUSTOM = Path("/opt/chrome/chrome")


class Machine:
    """A fake machine: which files exist, and installers that record calls and may add a file."""

    def __init__(self, *present: Path, apt_gives: Path | None = None, playwright_gives: Path | None = None):
        self.present = set(present)
        self.apt_gives, self.playwright_gives = apt_gives, playwright_gives
        self.calls: list[str] = []
        self.notes: list[str] = []

    def exists(self, path: Path) -> bool:
        return path in self.present

    def apt_install(self) -> str | None:
        self.calls.append("apt")
        if self.apt_gives is None:
            return "`apt-get update -qq` exited 100: E: no network"
        self.present.add(self.apt_gives)
        return None

    def playwright_install(self) -> str | None:
        self.calls.append("playwright")
        if self.playwright_gives is None:
            return "`python -m playwright install` exited 1: Error: getaddrinfo ENOTFOUND"
        self.present.add(self.playwright_gives)
        return None

    def choose(
        self,
        *,
        env: str | None = None,
        root: bool = True,
        apt: bool = True,
        playwright: bool = True,
        install: bool = True,
    ) -> Path:
        return browser.choose(
            env_browser=env,
            debian_shell=DEBIAN_SHELL,
            debian=DEBIAN,
            is_root=root,
            has_apt=apt,
            playwright_path=lambda: PLAYWRIGHT if playwright else None,
            apt_install=self.apt_install,
            playwright_install=self.playwright_install,
            install=install,
            exists=self.exists,
            note=self.notes.append,
        )


def test_playwright_keeps_its_headless_shell_beside_its_chromium() -> None:
    assert PLAYWRIGHT_SHELL == Path(
        "/home/u/.cache/ms-playwright/chromium_headless_shell-1/chrome-headless-shell-linux64/chrome-headless-shell"
    )
    windows = Path("C:/pw/chromium-1255/chrome-win64/chrome.exe")
    assert browser.headless_shell_of(windows) == Path(
        "C:/pw/chromium_headless_shell-1255/chrome-headless-shell-win64/chrome-headless-shell.exe"
    )


def test_dlbook_chromium_wins_over_everything() -> None:
    m = Machine(CUSTOM, DEBIAN_SHELL, DEBIAN, PLAYWRIGHT_SHELL)
    assert m.choose(env=str(CUSTOM)) == CUSTOM
    assert m.calls == []


def test_dlbook_chromium_that_is_missing_is_an_error_not_replaced() -> None:
    m = Machine(DEBIAN_SHELL)
    with pytest.raises(browser.NoBrowser, match="DLBOOK_CHROMIUM=/nowhere/chrome") as error:
        m.choose(env="/nowhere/chrome")
    assert "\n" not in str(error.value)
    assert m.calls == []


def test_debian_headless_shell_first() -> None:
    m = Machine(DEBIAN_SHELL, DEBIAN, PLAYWRIGHT, PLAYWRIGHT_SHELL)
    assert m.choose() == DEBIAN_SHELL
    assert m.calls == [] and m.notes == []


def test_playwright_headless_shell_already_downloaded_needs_no_install() -> None:
    m = Machine(DEBIAN, PLAYWRIGHT, PLAYWRIGHT_SHELL)
    assert m.choose() == PLAYWRIGHT_SHELL
    assert m.calls == []


def test_root_installs_the_headless_shell_even_beside_a_whole_chromium() -> None:
    m = Machine(DEBIAN, apt_gives=DEBIAN_SHELL)
    assert m.choose() == DEBIAN_SHELL
    assert m.calls == ["apt"]
    assert any("apt-get" in n and "chromium-headless-shell" in n for n in m.notes)


def test_a_whole_chromium_serves_when_the_shell_cannot_be_had() -> None:
    m = Machine(DEBIAN, apt_gives=None, playwright_gives=PLAYWRIGHT_SHELL)
    assert m.choose() == DEBIAN
    assert m.calls == ["apt"], "a browser that works is there: no download from Playwright"
    assert any(str(DEBIAN) in n and "no network" in n for n in m.notes)

    m = Machine(PLAYWRIGHT, playwright_gives=PLAYWRIGHT_SHELL)
    assert m.choose(root=False) == PLAYWRIGHT
    assert m.calls == []


def test_apt_as_root_with_apt_get() -> None:
    m = Machine(apt_gives=DEBIAN_SHELL, playwright_gives=PLAYWRIGHT_SHELL)
    assert m.choose(root=True, apt=True) == DEBIAN_SHELL
    assert m.calls == ["apt"]
    assert any("apt-get" in n for n in m.notes)


@pytest.mark.parametrize(("root", "apt"), [(False, True), (True, False), (False, False)])
def test_no_apt_unless_root_and_apt_get(root: bool, apt: bool) -> None:
    m = Machine(apt_gives=DEBIAN_SHELL, playwright_gives=PLAYWRIGHT_SHELL)
    assert m.choose(root=root, apt=apt) == PLAYWRIGHT_SHELL
    assert m.calls == ["playwright"]


def test_playwright_when_apt_fails() -> None:
    m = Machine(apt_gives=None, playwright_gives=PLAYWRIGHT_SHELL)
    assert m.choose() == PLAYWRIGHT_SHELL
    assert m.calls == ["apt", "playwright"]


def test_every_route_fails_with_one_line_that_says_what_to_run() -> None:
    m = Machine()
    with pytest.raises(browser.NoBrowser) as error:
        m.choose()
    message = str(error.value)
    assert m.calls == ["apt", "playwright"]
    assert "\n" not in message
    assert message.startswith("make test: no Chromium")
    hints = (
        "apt-get install chromium-headless-shell",
        "python -m playwright install --only-shell chromium",
        "DLBOOK_CHROMIUM",
    )
    for hint in hints:
        assert hint in message
    assert "ENOTFOUND" in message  # and why each route failed


def test_without_playwright_and_not_root() -> None:
    m = Machine(playwright_gives=PLAYWRIGHT_SHELL)
    with pytest.raises(browser.NoBrowser, match=r"not root.*playwright: not installed"):
        m.choose(root=False, playwright=False)
    assert m.calls == []


def test_looking_only_installs_nothing() -> None:
    m = Machine(apt_gives=DEBIAN_SHELL, playwright_gives=PLAYWRIGHT_SHELL)
    with pytest.raises(browser.NoBrowser, match="no Chromium"):
        m.choose(install=False)
    assert m.calls == []
    assert Machine(PLAYWRIGHT).choose(install=False) == PLAYWRIGHT
    assert Machine(DEBIAN, PLAYWRIGHT_SHELL).choose(install=False) == PLAYWRIGHT_SHELL
    looked = Machine(DEBIAN, apt_gives=DEBIAN_SHELL)
    assert looked.choose(install=False) == DEBIAN and looked.calls == [] and looked.notes == []


def test_main_prints_only_the_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    exe = tmp_path / "chromium"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("DLBOOK_CHROMIUM", str(exe))
    assert browser.main([]) == 0
    out, err = capsys.readouterr()
    assert out == f"{exe}\n" and err == ""


def test_main_fails_with_one_line_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(**kwargs) -> Path:
        raise browser.NoBrowser("make test: no Chromium: run this")

    monkeypatch.setattr(browser, "choose", fail)
    assert browser.main([]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == "make test: no Chromium: run this\n"


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for its parent to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_an_installer_that_hangs_is_stopped_with_its_children(tmp_path: Path) -> None:
    """The bound on an install: at the timeout the command and what it started are ended."""
    pidfile = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    start = time.monotonic()
    failure = browser.run_quietly([sys.executable, "-c", script], timeout=2)
    assert time.monotonic() - start < 20
    assert failure is not None and failure.endswith("timed out after 2 s")
    child, deadline = int(pidfile.read_text()), time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:  # the kill is sent; a busy machine may be slow
        time.sleep(0.05)
    assert not alive(child), "a child of the installer outlived the timeout"


def test_an_installer_failure_names_its_error_line() -> None:
    script = (
        "import sys\n"
        "print('Downloading ...')\n"
        "print('Error: getaddrinfo ENOTFOUND cdn.example', file=sys.stderr)\n"
        "print('    at onlookupall (node:dns:101:17)', file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    failure = browser.run_quietly([sys.executable, "-c", script], timeout=30)
    assert failure is not None and failure.endswith("exited 3: Error: getaddrinfo ENOTFOUND cdn.example")
    assert browser.run_quietly([sys.executable, "-c", "pass"], timeout=30) is None
    assert "No such file" in browser.run_quietly(["/nonexistent/apt-get"], timeout=30)
