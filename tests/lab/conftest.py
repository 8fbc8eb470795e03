"""The JupyterLab fixtures of every test in this folder: one server, one browser, one page.

The session starts JupyterLab from ``.venv`` with the configuration of ``lab/`` (as
``make lab`` does) on 127.0.0.1 with a token, serving a copy of ``book/`` (the tests save
notebooks), and one headless Chromium with one JupyterLab page that the tests share.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JUPYTER = ROOT / ".venv" / "bin" / "jupyter"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
TOKEN = "mathnotes-lab-test"
# The longest any wait may take: on a 2-core machine running every stage of `make test`, one
# chapter took over a minute to open and run.
PATIENCE_MS = 300_000
SETTINGS = {
    # JupyterLab 4 renders only the cells in view; the test counts what is on the page.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # By default JupyterLab asks the kernel for a subshell when a widget first talks, and sends
    # the widget's messages there. A kernel connection closed before the kernel answers leaves
    # an uncaught "Canceled future for create_subshell_request" in the page: JupyterLab's, seen
    # by no reader, and not under test (the tests shut kernels down on purpose). It failed CI
    # twice, the second time although each shutdown waited until no request was pending.
    "@jupyterlab/apputils-extension/kernels-settings": {"commsOverSubshells": "disabled"},
}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url, seconds):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = ("Chromium is not installed: `apt-get install chromium` (as root) enables the "
                   "JupyterLab test")
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so this test may not skip)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def _jupyterlab(home, config_dir):
    """A JupyterLab server on a copy of the book in ``home``; yields (base URL, its folder)."""
    book = home / "book"
    shutil.copytree(ROOT / "book", book,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for plugin, values in SETTINGS.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    # The debugger reports a console error when a kernel is shut down while it restores its
    # state, which the test does on purpose; a reader never sees it. It is not under test.
    page_config = home / "config" / "labconfig" / "page_config.json"
    page_config.parent.mkdir(parents=True)
    disabled = {"@jupyterlab/debugger-extension": True}
    page_config.write_text(json.dumps({"disabledExtensions": disabled}))
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir),
           "JUPYTER_CONFIG_PATH": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [str(JUPYTER), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={book}",
         f"--LabApp.user_settings_dir={home / 'settings'}",
         f"--LabApp.workspaces_dir={home / 'workspaces'}",
         "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=home,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/status?token={TOKEN}", 60)
        yield base, book
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab as `make lab` starts it; yields (base URL, folder it serves).

    Its log, ``server.log`` beside the folder, holds the references it could not resolve.
    """
    with _jupyterlab(tmp_path_factory.mktemp("lab"), ROOT / "lab") as served:
        yield served


@pytest.fixture(scope="session")
def plain_lab(tmp_path_factory):
    """JupyterLab with jupyterlab-myst but none of ``lab/`` (a JupyterHub, a colleague's
    install): notebooks served as stored; yields (base URL, folder it serves)."""
    home = tmp_path_factory.mktemp("plain-lab")
    (home / "jupyter-config").mkdir()
    with _jupyterlab(home, home / "jupyter-config") as served:
        yield served


def _open_jupyterlab(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PATIENCE_MS)
    page = context.new_page()
    page.goto(f"{base}/lab?token={TOKEN}&reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started")
    page.evaluate("async () => { await window.jupyterapp.started;"
                  " window.jupyterapp.shell.collapseLeft(); }")
    return context, page


@pytest.fixture(scope="session")
def app(browser, lab):
    """One JupyterLab page for all chapters (loading the application is the slow part)."""
    context, page = _open_jupyterlab(browser, lab[0])
    yield page
    context.close()


@pytest.fixture(scope="session")
def plain_app(browser, plain_lab):
    """One page of the JupyterLab without the project's set-up."""
    context, page = _open_jupyterlab(browser, plain_lab[0])
    yield page
    context.close()
