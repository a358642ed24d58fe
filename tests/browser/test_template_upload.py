"""The template library in a real browser: an upload is checked against every variant of
the demo data before it is kept (seconds), and the page says so meanwhile."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from cluster_intranet.demo import seed

    seed()
    return None


live, page = signed_in_fixtures(_prepare)


def test_the_upload_button_says_the_template_is_being_checked(live, page, tmp_path):
    base = live[0]
    page.goto(f"{base}/documents/templates/protocol_short")
    with page.expect_download() as download:
        page.click("main a:has-text('Скачать')")
    template = tmp_path / "Протокол.docx"
    download.value.save_as(template)
    # What the button shows while the page waits is recorded where the next page can read it.
    page.evaluate("""() => {
        const button = document.querySelector('#upload-form button[type=submit]');
        new MutationObserver(() => sessionStorage.setItem('busy', JSON.stringify(
            [button.disabled, button.textContent, button.getAttribute('aria-busy')])))
          .observe(button, {attributes: true, childList: true, subtree: true, characterData: true});
    }""")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.set_input_files("#upload-form input[type=file]", str(template))
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text("загружен как версия 1")
    assert json.loads(page.evaluate("sessionStorage.getItem('busy')")) == [True, "Шаблон проверяется…", "true"]
    assert len(posts) == 1
    expect(page.locator("#upload-form button[type=submit]")).to_be_enabled()
