"""The HTML report in headless Chromium: one row per issue needing attention, whole-number axes,
per-issue pages linked and escaped, an optional meta refresh and a print stylesheet."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import Repo
from tests.test_dashboard import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, HOSTILE, NOW, _need_chromium


def _site(example_repo: Repo, out: Path, *extra: str) -> tuple[Path, str]:
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    example_repo.git("config", "user.name", "Lena Vogel")
    hostile = example_repo.open(HOSTILE, "product-defect", "sev3", now="2026-10-20T08:00:00Z")
    example_repo.ok(
        "report", "--quarter", "2026Q4", "--format", "html", "--out", str(out), *extra, now=NOW
    )
    return out / "index.html", hostile


def test_report_pages_in_headless_chromium(example_repo: Repo, tmp_path: Path) -> None:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    index, hostile = _site(example_repo, tmp_path / "site", "--refresh", "60")
    data = example_repo.json("report", "--quarter", "2026Q4", now=NOW)
    attention = list(
        dict.fromkeys(c["issue"] for c in data["current"]["breached"] + data["current"]["at_risk"])
    )
    clocks = len(data["current"]["breached"]) + len(data["current"]["at_risk"])
    messages: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
            page.goto(index.as_uri())
            refresh = page.locator('meta[http-equiv="refresh"]')
            assert refresh.get_attribute("content") == "60"
            # one row per issue, however many of its clocks are late
            rows = page.locator("#at-risk tr:has(td a)")
            assert rows.count() == len(attention) >= 1
            assert clocks >= len(attention)
            # counts are drawn on whole-number axes
            for chart in ("#open-by-tier", "#csat"):
                labels = page.locator(f"{chart} .axis.y .guides text").evaluate_all(
                    "els => els.map(e => e.textContent)"
                )
                assert labels and all(label.strip().isdigit() for label in labels), labels
            # every issue link leads to a page of its own, which exists
            hrefs = page.locator("a[href^='issues/']").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            assert f"issues/{hostile}.html" in hrefs
            for href in set(hrefs):
                assert (index.parent / href).is_file(), href
            # print: a plain white page, no dark header band
            page.emulate_media(media="print")
            background = page.evaluate(
                "getComputedStyle(document.querySelector('header')).backgroundColor"
            )
            assert background in ("rgba(0, 0, 0, 0)", "transparent"), background
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report-print.png"), full_page=True)
            page.emulate_media(media="screen")
            # the hostile issue's own page: its title as text, its timeline and clocks
            page.click(f"#open-issues a[href='issues/{hostile}.html']")
            page.wait_for_load_state("load")
            assert page.url.endswith(f"/issues/{hostile}.html")
            assert HOSTILE in page.inner_text("h1")
            assert page.locator("script").count() == 0
            assert page.locator("#timeline tr").count() >= 2
            assert page.locator("#clocks tr").count() >= 3
            shot = ARTIFACTS / "report-issue-page.png"
            page.screenshot(path=str(shot), full_page=True)
            page.click("nav a")
            page.wait_for_load_state("load")
            assert page.url.endswith("/index.html")
        finally:
            browser.close()
    assert messages == []
    raw = (index.parent / "issues" / f"{hostile}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>" not in raw
    assert shot.stat().st_size > 5_000


def test_refresh_is_for_html_only(example_repo: Repo) -> None:
    result = example_repo.cli("report", "--refresh", "60", now=NOW)
    assert result.exit_code == 2 and "--refresh applies to --format html only" in result.output
    assert json.loads(example_repo.ok("report", "-f", "json", now=NOW).stdout)
