"""The admin's and the councils' pages in a real browser (Playwright + Debian's chromium,
headless), as an administrator of the demo: what the every-page walk does not measure."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS
ADMIN = ("root@cluster.local", "browser-password-1")


def _prepare():
    from cluster_intranet.demo import seed

    seed()


live, page = signed_in_fixtures(_prepare, ADMIN, "admin")


def test_the_audit_filters_button_holds_its_word(live, page):
    """«Показать» of the audit log's filters at 1366 px: in a twelfth of the row its word ran
    past the button's right edge."""
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live[0] + "/admin/audit")
    button = page.locator("form button:has-text('Показать')")
    expect(button).to_be_visible()
    assert button.evaluate("b => b.scrollWidth <= b.clientWidth")
    form = page.locator("form:has(button:has-text('Показать'))").bounding_box()
    box = button.bounding_box()
    assert box["x"] + box["width"] <= form["x"] + form["width"] + 0.5


def test_a_member_added_leaves_the_focus_for_the_next(live, page):
    """«Добавить в совет»: the member is in the list and the focus is back in the emptied
    «Сотрудник» (it went to the whole block: the next member needed a click first)."""
    page.goto(live[0] + "/councils/")
    page.locator("a:has-text('Изменить состав')").first.click()
    picker = page.locator("input[id^=picker-member-]")
    picker.fill("Мельн")
    page.locator("[data-pick-person]", has_text="Мельникова-Гросс").first.click()
    page.click("button:has-text('Добавить в совет')")
    expect(page.locator("#messages")).to_contain_text("Член совета добавлен: Мельникова-Гросс Ю.А.")
    expect(page.locator("input[id^=picker-member-]")).to_be_focused()
    expect(page.locator("input[id^=picker-member-]")).to_have_value("")
