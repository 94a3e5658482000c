"""The static HTML dashboard in headless Chromium, and `escmatrix dashboard` in the terminal
(issue 5, acceptance 2).

Chromium is Debian's (`apt-get install chromium`, as the README's test command does), driven by
Playwright with its own browser downloads never used. Without it the browser test fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.support import Repo, executable

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = "<script>alert(1)</script> checkout fails"
NOW = "2026-10-20T12:00:00Z"


def _need_chromium() -> None:
    assert Path(CHROMIUM).exists(), (
        "install Debian's chromium first (the README's test command does)"
    )


def _site(example_repo: Repo, out: Path) -> Path:
    """The example repository plus an open issue whose title is a script tag, as a dashboard."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    example_repo.git("config", "user.name", "Lena Vogel")
    example_repo.open(HOSTILE, "product-defect", "sev3", now="2026-10-20T08:00:00Z")
    example_repo.ok("report", "--quarter", "2026Q4", "--format", "html", "--out", str(out), now=NOW)
    page = out / "index.html"
    assert page.is_file()
    return page


def test_dashboard_renders_in_headless_chromium(example_repo: Repo, tmp_path: Path) -> None:
    """No console errors, no dialogs, every chart drawn, the hostile title shown as text, and a
    screenshot kept under test-artifacts/."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    page_file = _site(example_repo, tmp_path / "site")
    messages: list[str] = []
    dialogs: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            assert page.title().startswith("Escalations: 2026Q4")
            charts = page.locator(".chart svg")
            assert charts.count() == 4
            for index in range(4):
                box = charts.nth(index).bounding_box()
                assert box is not None and box["width"] > 200 and box["height"] > 100
            # the chart for open issues has bars (pygal draws each as a rect in .series)
            assert page.locator("#open-by-tier .series rect").count() >= 1
            body = page.inner_text("body")
            assert HOSTILE in body
            assert page.locator("script").count() == 0
            assert page.locator("#open-issues code").count() >= 1
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert messages == []
    assert dialogs == []
    assert requests == [page_file.as_uri()]  # nothing fetched but the page itself
    assert shot.stat().st_size > 10_000


def test_terminal_dashboard_shows_the_same_picture(example_repo: Repo) -> None:
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    example_repo.open(HOSTILE, "product-defect", "sev3", now="2026-10-20T08:00:00Z")
    out = example_repo.ok("dashboard", "--quarter", "2026Q4", now=NOW).stdout
    for title in (
        "Open by tier and age",
        "At risk and breached",
        "Time to aid / resolution",
        "CSAT",
        "Recent handoffs",
        "Slowest escalation paths",
    ):
        assert title in out, title
    assert "open now" in out


def test_terminal_dashboard_escapes_markup(tmp_repo: Repo) -> None:
    """A title with Rich markup is printed literally, not interpreted."""
    tmp_repo.open("[bold red]BOOM[/] \x1b[31mred", now="2026-03-02T09:00:00Z")
    out = tmp_repo.ok("dashboard", now="2026-03-03T09:30:00Z").stdout
    assert "[bold red]BOOM[/]" in out
    assert "\x1b[31m" not in out


def test_dashboard_watch_refreshes_until_interrupted(tmp_repo: Repo) -> None:
    """`--watch 1` redraws until Ctrl-C, then exits 0 (run as a real process)."""
    args = executable()
    proc = subprocess.Popen(
        [
            *args,
            "--repo",
            str(tmp_repo.path),
            "--now",
            "2026-03-02T09:00:00Z",
            "dashboard",
            "--watch",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"COLUMNS": "160"},
    )
    try:
        time.sleep(3.0)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "Open by tier and age" in stdout
