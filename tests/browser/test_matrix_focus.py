"""A cell of the coverage matrix opened in place, by Enter or by a click, puts the focus in its
form: the cell that asked for it is gone, and the focus used to fall to the page's body —
a keyboard user pressed Enter on a cell and had to Tab through the whole page to reach the
address field."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from cluster_intranet.directory import builders as directory
    from cluster_intranet.media import builders as media
    from cluster_intranet.media.models import EventStatus

    college = media.participant(directory.organization(short_name="ОГБПОУ «ТИТ»", website="https://tit.ru"))
    media.participant(directory.organization(short_name="ОГБПОУ «ТПТ»", website="https://tpt.ru"))
    plan = media.plan(title="Медиаплан", period_start=date(2021, 1, 1), period_end=date(2021, 12, 31))
    media.event(
        plan, title="Совет", starts_on=date(2021, 3, 1), organizer=college, status=EventStatus.MATERIAL_READY.value
    )
    return plan.id


live, page = signed_in_fixtures(_prepare)


@pytest.mark.parametrize("how", ["keyboard", "click"])
def test_a_matrix_cell_opened_in_place_puts_the_focus_in_its_form(live, page, how):
    base, _, plan_id = live
    page.goto(f"{base}/media/plans/{plan_id}/coverage")
    cell = page.locator(".matrix td.may").first
    if how == "keyboard":
        cell.focus()
        page.keyboard.press("Enter")
    else:
        cell.click()
    form = page.locator(".matrix form.publication-form")
    expect(form).to_be_visible()
    expect(form.locator("select:not([type=hidden]), input:not([type=hidden])").first).to_be_focused()


def test_a_publication_saved_in_the_matrix_leaves_the_focus_on_its_cell(live, page):
    base, _, plan_id = live
    page.goto(f"{base}/media/plans/{plan_id}/coverage")
    page.locator(".matrix td.may").first.click()
    form = page.locator(".matrix form.publication-form")
    row, index = form.evaluate("form => [form.closest('tr').id, form.closest('td').cellIndex]")
    form.locator("input[name=url]").fill("https://tit.ru/news/1")
    form.locator("input[name=published_on]").fill("2021-03-01")
    form.get_by_role("button", name="Сохранить").click()
    # The matrix reloads after the change (its totals with it): the focus is on the same cell of its new copy.
    expect(page.locator(f"#{row} td.matrix-total")).to_have_text("50 %")
    assert page.evaluate("() => [document.activeElement.parentElement.id, document.activeElement.cellIndex]") == [
        row,
        index,
    ]
