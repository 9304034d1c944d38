import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# in a thread with a loop unless told it is safe (it is: the loop only drives the
# browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def pick(page, name, typed, option):
    """Choose *option* in the picker of the field *name* (core.pickers) by typing
    *typed* into it, as a clerk does: the options come from the picker's endpoint."""
    page.locator(f"#id_{name}-ts-control").fill(typed)
    page.locator(f"#id_{name}-ts-dropdown .option", has_text=option).click()
