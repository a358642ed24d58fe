"""A form refused with reasons that name no single field (a checklist sent unfinished): the
focus goes to the reasons the form came back with, not to the page's body, where a keyboard
or screen-reader user would have to search for why nothing was sent."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from cluster_intranet.expertise import builders
    from cluster_intranet.expertise.models import Scale
    from tests.expertise.conftest import build_session

    version = builders.checklist([("Раздел", [("Критерий", Scale.YES_NO, None, 1, True)])])
    _, assigned = build_session(experts=1, version=version)
    return assigned[0][0].id


live, page = signed_in_fixtures(_prepare)


def test_a_checklist_sent_unfinished_puts_the_focus_on_why(live, page):
    base, _, assessment_id = live
    page.goto(f"{base}/expertise/assessments/{assessment_id}")  # a secretary enters a paper checklist
    page.select_option("select[name=verdict]", label="Рекомендовать к согласованию")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#submit-block button[type=submit]").focus()
    page.keyboard.press("Enter")
    reasons = page.locator("#submit-block [role=alert]")
    expect(reasons).to_contain_text("Чек-лист нельзя отправить")
    expect(reasons).to_be_focused()
