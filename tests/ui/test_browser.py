"""A real browser: Playwright driving Debian's Chromium (/usr/bin/chromium). Browsers cannot be
downloaded here, so `playwright install` is not used; a missing Chromium fails this test."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import AssistantService

from ..conftest import ROOT

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "reports" / "ui-screenshot.png"


def test_a_question_in_the_browser_shows_an_answer_and_a_source_card(
    live_app: tuple[str, AssistantService],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(live_app[0])
        expect(page.locator("#no-llm")).to_contain_text("No language model is installed")
        page.locator("#question textarea").fill(
            "Why do tree-based methods still beat neural networks on tabular data?"
        )
        page.locator("#ask").click()
        answer = page.locator("#chat").get_by_text("remain superior on tabular data").first
        expect(answer).to_be_visible(timeout=60_000)
        card = page.locator("#sources .rag-card").first
        expect(card).to_be_visible(timeout=60_000)
        expect(card).to_contain_text("001_a4dc316d66749b4e.txt")
        expect(card.locator("mark")).to_contain_text("Tree-based methods")
        expect(card.locator(".rag-verified")).to_contain_text("exact quote")
        # Clicking the marker in the answer flashes its card.
        page.locator('#chat a[href^="#src-1-"]').first.click()
        expect(page.locator(".rag-card.rag-flash")).to_have_count(1)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        # The chat's trash icon forgets the history too: the next answer stands alone.
        page.locator('#chat button[aria-label^="Clear"]').first.click()
        expect(page.locator("#chat .message")).to_have_count(0)
        # Markup in a question is shown as typed, and the answer's markers still link.
        page.locator("#question textarea").fill(
            "<script>alert('x')</script> What is **program synthesis**?"
        )
        page.locator("#ask").click()
        expect(page.locator("#sources .rag-card").first).to_contain_text("[1]", timeout=60_000)
        expect(page.locator("#chat")).not_to_contain_text("tabular data")
        expect(page.locator("#chat")).to_contain_text(
            "<script>alert('x')</script> What is **program synthesis**?"
        )
        expect(page.locator('#chat a[href^="#src-1-"]').first).to_be_visible()
        browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
