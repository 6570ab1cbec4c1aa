"""The Chromium that the browser tests drive: find one, or install one, and print its absolute path.

``make test`` runs this before pytest and hands the path on as ``DLBOOK_CHROMIUM``. It prefers Chromium's
*headless shell*, the build without a browser window that Playwright itself launches for headless runs:
it renders the same pages with the same engine (Blink, V8, axe-core and printing work alike), and on
this book it loads a page for about half the CPU of the whole browser and idles at almost none. The
order:

1. ``$DLBOOK_CHROMIUM`` when it is set (an explicit choice is never replaced: if it names no executable
   file, that is an error).
2. A headless shell already there: Debian's ``/usr/bin/chromium-headless-shell``, else the one Playwright
   has downloaded into its own cache.
3. As root with ``apt-get``: install Debian's ``chromium-headless-shell`` and ``fonts-dejavu-core``
   (``apt-get update -qq``, then ``apt-get install -y -qq --no-install-recommends ...``), once.
4. A whole Chromium already there (Debian's ``/usr/bin/chromium``, else Playwright's): it passes the same
   tests, only slower.
5. Otherwise: ``python -m playwright install --only-shell chromium`` into Playwright's cache
   (``~/.cache/ms-playwright``), and use that headless shell.
6. None of these: one line on stderr that says what to run, and exit status 1, so that ``make test``
   stops before pytest.

Only the path goes to stdout; notes go to stderr. Every install runs under a timeout.
``--no-install`` only looks (``find_installed()`` does the same for the browser tests run by hand);
``--no-apt`` skips step 3, as on a machine where this does not run as root.

Standard library only: it runs with the interpreter of ``.venv`` (which has Playwright) but imports
nothing beyond the standard library itself; Playwright is asked in a subprocess.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

DEBIAN_SHELL = Path("/usr/bin/chromium-headless-shell")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
APT_PACKAGES = ("chromium-headless-shell", "fonts-dejavu-core")
APT_TIMEOUT_S = 1800  # the update and the install, each
PLAYWRIGHT_TIMEOUT_S = 600  # the download from Playwright's CDN
HOW_TO = (
    "run `apt-get install chromium-headless-shell` or `python -m playwright install --only-shell chromium`,"
    " or set DLBOOK_CHROMIUM"
)

#: An installer: ``None`` when it succeeded, otherwise a few words on why it failed.
Installer = Callable[[], str | None]


class NoBrowser(Exception):
    """No Chromium can be had; the message is the one line to show."""


def note(message: str) -> None:
    print(f"tools/browser.py: {message}", file=sys.stderr, flush=True)


def is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def headless_shell_of(chromium: Path) -> Path:
    """Where Playwright keeps the headless shell of the same revision as its ``chromium``:
    ``.../chromium-1255/chrome-linux64/chrome`` -> ``.../chromium_headless_shell-1255/
    chrome-headless-shell-linux64/chrome-headless-shell`` (``.exe`` kept on Windows)."""
    revision = chromium.parents[1].name.replace("chromium-", "chromium_headless_shell-", 1)
    platform = chromium.parent.name.replace("chrome-", "chrome-headless-shell-", 1)
    return chromium.parents[2] / revision / platform / ("chrome-headless-shell" + chromium.suffix)


def choose(
    *,
    env_browser: str | None,
    debian_shell: Path,
    debian: Path,
    is_root: bool,
    has_apt: bool,
    playwright_path: Callable[[], Path | None],
    apt_install: Installer,
    playwright_install: Installer,
    install: bool = True,
    exists: Callable[[Path], bool] = is_executable,
    note: Callable[[str], None] = note,
) -> Path:
    """The browser to use, by the order of the module docstring; raises NoBrowser when there is none.

    ``playwright_path`` says where Playwright keeps (or would keep) its whole Chromium, ``None`` when
    Playwright is not importable; it is only asked when no Debian headless shell is there. The
    installers are only called when ``install`` is true.
    """
    if env_browser:
        path = Path(env_browser).absolute()
        if exists(path):
            return path
        raise NoBrowser(
            f"make test: DLBOOK_CHROMIUM={env_browser} is not an executable file: fix or unset it"
        )
    if exists(debian_shell):
        return debian_shell
    bundled = playwright_path()
    bundled_shell = headless_shell_of(bundled) if bundled is not None else None
    if bundled_shell is not None and exists(bundled_shell):
        return bundled_shell

    why = []
    if install and is_root and has_apt:
        note(f"installing Debian's {' and '.join(APT_PACKAGES)} with apt-get ...")
        failure = apt_install()
        if failure is None and exists(debian_shell):
            return debian_shell
        why.append(f"apt-get: {failure or f'{debian_shell} still missing'}")
    elif install:
        why.append("apt-get: " + ("not root" if has_apt else "not available"))

    for whole in (debian, bundled):
        if whole is not None and exists(whole):
            if why:
                note(f"using {whole} ({'; '.join(why)}): the tests pass, with more CPU per page")
            return whole
    if not install:
        raise NoBrowser(f"make test: no Chromium: {HOW_TO}")

    if bundled is None:
        why.append("playwright: not installed in this Python")
    else:
        note(
            "installing Playwright's headless shell: `python -m playwright install --only-shell chromium` ..."
        )
        failure = playwright_install()
        if failure is None and exists(bundled_shell):
            return bundled_shell
        why.append(f"playwright install: {failure or 'no browser afterwards'}")
    raise NoBrowser(f"make test: no Chromium ({'; '.join(why)}): {HOW_TO}")


def run_quietly(cmd: list[str], timeout: float, env: Mapping[str, str] | None = None) -> str | None:
    """Run ``cmd`` with its output captured: None on success, else its exit status and error line.

    The command runs in a session of its own, so that a timeout (or Ctrl-C) ends it with everything
    it started (``playwright install`` downloads in a child process of its own).
    """
    what = " ".join(cmd[:3]) if cmd[0] != sys.executable else "python " + " ".join(cmd[1:4])
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
    except OSError as error:
        return f"`{what}`: {error.strerror}"
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as error:  # the timeout, or Ctrl-C
        stop(proc)
        if isinstance(error, subprocess.TimeoutExpired):
            return f"`{what}` timed out after {timeout:.0f} s"
        raise
    if proc.returncode == 0:
        return None
    lines = [line.strip() for line in (err + out).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("E:", "Error:"))]  # apt-get's, Playwright's
    others = [line for line in lines if not line.startswith("at ")]  # not a JavaScript stack
    reason = (errors[0] if errors else others[-1] if others else "")[:200]
    return f"`{what}` exited {proc.returncode}" + (f": {reason}" if reason else "")


def stop(proc: subprocess.Popen) -> None:
    """End ``proc`` and everything it started: SIGTERM, up to 10 s to finish, then SIGKILL."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # children that outlived the leader, too
    except ProcessLookupError:
        pass
    proc.communicate()


def apt_install() -> str | None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=300"]  # wait for another apt-get rather than fail at once
    return run_quietly(["apt-get", "update", "-qq", *lock], APT_TIMEOUT_S, env) or run_quietly(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *lock, *APT_PACKAGES],
        APT_TIMEOUT_S,
        env,
    )


def playwright_install() -> str | None:
    return run_quietly(
        [sys.executable, "-m", "playwright", "install", "--only-shell", "chromium"], PLAYWRIGHT_TIMEOUT_S
    )


def playwright_path() -> Path | None:
    """Where Playwright (in this Python) keeps its whole Chromium, downloaded or not; None without
    Playwright. Its headless shell lies beside it (:func:`headless_shell_of`)."""
    code = (
        "from playwright.sync_api import sync_playwright\n"
        "with sync_playwright() as p:\n"
        "    print(p.chromium.executable_path)\n"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    out = proc.stdout.strip()
    return Path(out) if proc.returncode == 0 and out else None


def here(*, install: bool = True, apt: bool = True) -> Path:
    """``choose`` on this machine; ``apt=False`` leaves out the apt-get route."""
    return choose(
        env_browser=os.environ.get("DLBOOK_CHROMIUM"),
        debian_shell=DEBIAN_SHELL,
        debian=DEBIAN_CHROMIUM,
        is_root=apt and hasattr(os, "geteuid") and os.geteuid() == 0,
        has_apt=shutil.which("apt-get") is not None,
        playwright_path=playwright_path,
        apt_install=apt_install,
        playwright_install=playwright_install,
        install=install,
    )


def find_installed() -> Path | None:
    """The browser already on this machine (installing nothing), or None."""
    try:
        return here(install=False)
    except NoBrowser:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-install", action="store_true", help="only look for a browser already there")
    parser.add_argument("--no-apt", action="store_true", help="do not install with apt-get, even as root")
    args = parser.parse_args(argv)
    try:
        path = here(install=not args.no_install, apt=not args.no_apt)
    except NoBrowser as error:
        print(error, file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
