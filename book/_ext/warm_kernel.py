"""Python kernels that start warm: forked from a process that has already imported PyTorch and ipykernel.

Every executed page of the book runs in a fresh Jupyter kernel, and a fresh kernel pays, before the
page's first line, for starting Python, IPython and ipykernel (about 0.6 s of CPU) and then for
importing PyTorch (1.2-1.7 s), NumPy and Matplotlib. Over the book's 15 executed pages that is about
25 s of CPU for every cold build. A *zygote* pays it once: a server process that imports those modules
and then, for each kernel asked for, forks a child that becomes the kernel. The child is a new process
with its own memory, so a page still starts from an empty namespace and no page sees another page's
state; only modules that a fresh kernel would import anyway are already in ``sys.modules``. ``dlbook``
itself is never imported by the zygote, so a page always runs today's package.

How a kernel is started (the build's workers do this, see ``dlbook_cache``):

1. :func:`start_zygote` runs ``python warm_kernel.py serve SOCKET`` and waits until it listens.
2. :func:`warm_kernel_manager` gives Jupyter the usual ``python3`` kernel spec with its command
   replaced by ``python warm_kernel.py launch SOCKET {connection_file}``: a small *launcher*.
3. The launcher sends the kernel's arguments, working directory and environment to the zygote, which
   forks; the child sets them up and runs ipykernel as ``python -m ipykernel_launcher`` would.
4. The launcher stays alive for as long as the kernel, so Jupyter manages it like any kernel process:
   it forwards interrupts and termination to the kernel, and exits when the kernel exits. If the
   launcher is killed, the kernel notices (their socket closes) and exits too.

If the zygote cannot be reached, the launcher becomes an ordinary kernel (``exec`` of
``python -m ipykernel_launcher``), so a page never fails because of this speed-up.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

#: What the zygote imports before it forks: what most pages import (torchvision: through
#: dlbook.data.load_dataset, 1.5 s), and the kernel itself.
PRELOAD = (
    "numpy",
    "torch",
    "torchvision",
    "matplotlib",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
)
#: ipykernel sets this when it starts; Matplotlib reads it when it is imported, which the zygote does first.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.sendall(json.dumps(message).encode() + b"\n")


def _receive(sock: socket.socket) -> dict[str, Any] | None:
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    return json.loads(data)


# --- The zygote ------------------------------------------------------------------------------------


def serve(path: str) -> None:
    """Import :data:`PRELOAD`, then fork a kernel for every launcher that connects to ``path``."""
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent exited before it could be watched
        return
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        del sys.path[0]  # started as a script: its folder is not on a kernel's path
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels are reaped as they exit
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    print("ready", flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # nobody reads the zygote's own output after this
    while True:
        conn, _ = server.accept()
        try:
            _, fds, _, _ = socket.recv_fds(conn, 1, 3)
            request = _receive(conn) if len(fds) == 3 else None
        except (OSError, ValueError):
            request, fds = None, []
        if request is None:
            for fd in fds:
                os.close(fd)
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            server.close()
            _become_kernel(conn, request, fds)  # never returns
        for fd in fds:
            os.close(fd)
        _send(conn, {"pid": pid})
        conn.close()


def _die_with_parent() -> None:
    """On Linux, have the kernel send this process SIGKILL when the process that started it exits."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG; a fork (a kernel) does not inherit it
    except (OSError, AttributeError):
        pass


def _become_kernel(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: take the launcher's standard streams, directory and environment, run ipykernel."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own subprocesses
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.setpgid(0, 0)  # interrupts from the launcher reach the kernel, not the zygote
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    threads = os.environ.get("OMP_NUM_THREADS", "")
    torch = sys.modules.get("torch")
    if torch is not None and threads.isdigit():
        torch.set_num_threads(int(threads))  # as a fresh process reads it at start
    import random

    random.seed()  # a fresh process draws new seeds; a fork would share the zygote's
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()

    def watch_launcher() -> None:  # the launcher's end closes when it exits or is killed
        try:
            while conn.recv(1):
                pass
        except OSError:
            pass
        os._exit(1)

    threading.Thread(target=watch_launcher, daemon=True).start()
    import ipykernel
    from ipykernel import kernelapp

    # what sys.argv holds in a kernel started as `python -m ipykernel_launcher -f ...`
    sys.argv = [str(Path(ipykernel.__file__).parent.with_name("ipykernel_launcher.py")), *request["argv"]]
    code = 0
    try:
        app = kernelapp.IPKernelApp.instance()
        # Read from the environment when ipykernel is imported (in the zygote): read it again here.
        app.parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
        app.initialize(request["argv"])
        app.start()
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def start_zygote(folder: str | os.PathLike[str], timeout: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start a zygote listening on a socket in ``folder``; returns the process and the socket's path."""
    path = str(Path(folder) / f"zygote-{os.getpid()}.sock")
    proc = subprocess.Popen(
        [sys.executable, __file__, "serve", path],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    # "ready" once it listens; nothing if it died, or hangs for longer than ``timeout`` seconds
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready or proc.stdout.readline().strip() != "ready":
        proc.kill()
        proc.wait()
        raise RuntimeError(f"the warm-kernel zygote did not start within {timeout:g} s (exit {proc.poll()})")
    return proc, path


# --- The launcher: the process Jupyter starts as the kernel ----------------------------------------


def launch(path: str, argv: list[str]) -> None:
    """Ask the zygote at ``path`` for a kernel with ``argv`` and stand for it until it exits."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        socket.send_fds(sock, [b"F"], [0, 1, 2])  # the kernel writes where this process would
        _send(sock, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)})
        reply = _receive(sock)
    except OSError:
        reply = None
    if reply is None:  # no zygote: be an ordinary kernel
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
    pid = reply["pid"]

    def forward(signum: int, frame: Any) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    while True:
        try:
            if not sock.recv(1):  # the kernel exited and its end of the socket closed
                break
        except InterruptedError:
            continue
    sys.exit(0)


# --- Jupyter's side: a kernel spec whose command is the launcher -----------------------------------


def warm_kernel_manager(path: str) -> type:
    """A :class:`jupyter_client.KernelManager` class; its ``python3`` kernels come from the zygote (``path``).

    Give it to nbclient as ``NotebookClient(..., kernel_manager_class=warm_kernel_manager(path))``, so that
    nbclient owns each kernel and shuts it down after the notebook (it leaves a kernel it was handed alone).
    """
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    class WarmKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, name: str) -> Any:
            spec = super().get_kernel_spec(name)
            if name == "python3":
                spec.argv = [sys.executable, __file__, "launch", path, "{connection_file}"]
            return spec

    class WarmKernelManager(KernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("kernel_spec_manager", WarmKernelSpecManager())
            super().__init__(**kwargs)

    return WarmKernelManager


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "launch":
        launch(sys.argv[2], ["-f", *sys.argv[3:]])
    else:
        raise SystemExit(f"usage: {sys.argv[0]} serve SOCKET | launch SOCKET CONNECTION_FILE")
