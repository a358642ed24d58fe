"""An expert fills a checklist in a real browser (headless Debian chromium via Playwright)
against a real server: answers are saved as they are clicked, kept across a reload,
a save lost to the network is retried, and the checklist is submitted."""

from __future__ import annotations

import re

import pytest

from tests.live_server import BROWSER_TESTS, CHROMIUM, TEST_OUTPUT as OUTPUT, serve

pytestmark = BROWSER_TESTS


def _prepare():
    """One open session with three experts; what the test needs to know of it."""
    from .conftest import build_session

    session, assigned = build_session(experts=3)
    return {
        "email": assigned[0][1],
        "assessment_id": assigned[0][0].id,
        "criteria": [(c.id, c.scale, c.max_value, c.required) for c in session.checklist_version.criteria],
    }


@pytest.fixture
def live(tmp_path):
    """A `flask run` server on a database with one open session: (base url, data, database url)."""
    with serve(tmp_path, _prepare) as (base, database, data):
        yield base, data, database


def _answers(database: str, assessment_id: int) -> dict[int, tuple]:
    import sqlite3

    with sqlite3.connect(database.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            "SELECT criterion_id, value, comment FROM expert_answers WHERE assessment_id = ?", (assessment_id,)
        )
        return {criterion: (value, comment) for criterion, value, comment in rows}


def _submitted(database: str, assessment_id: int):
    import sqlite3

    with sqlite3.connect(database.removeprefix("sqlite:///")) as conn:
        return conn.execute(
            "SELECT submitted_at, verdict FROM expert_assessments WHERE id = ?", (assessment_id,)
        ).fetchone()


def test_an_expert_fills_and_submits_a_checklist(live, request):
    from playwright.sync_api import expect, sync_playwright

    base, data, database = live
    conformity, yes_no, points_2, points_n, optional = data["criteria"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
        )
        page.on("dialog", lambda dialog: dialog.accept())  # «Отправить чек-лист?»
        try:
            page.goto(base + "/login")
            page.fill("input[name=email]", data["email"])
            page.fill("input[name=password]", "test-password-1")
            page.click("button[type=submit]")
            page.goto(base + "/expertise/")
            page.get_by_role("link", name="Заполнить").click()
            # Loaded: a mark chosen before htmx processed the page is not saved.
            page.wait_for_url(re.compile(r"/expertise/assessments/\d+$"))
            expect(page.locator("#answered-count")).to_have_text("0")

            def status(criterion_id):
                return page.locator(f"#answer-status-{criterion_id}")

            # A mark below the maximum asks for a comment; the comment is saved as it is typed.
            page.click(f"label[for=v-{conformity[0]}-1]")
            expect(status(conformity[0])).to_contain_text("Сохранено")
            expect(status(conformity[0])).to_contain_text("поясните в комментарии")
            page.fill(f"#criterion-{conformity[0]} textarea", "Календарный график не приложен")
            expect(status(conformity[0])).not_to_contain_text("поясните", timeout=5000)
            page.click(f"label[for=v-{yes_no[0]}-1]")
            expect(status(yes_no[0])).to_contain_text("Сохранено")
            page.click(f"label[for=v-{points_2[0]}-2]")
            expect(status(points_2[0])).to_contain_text("Сохранено")
            expect(page.locator("#answered-count")).to_have_text("3")

            # The connection drops for one save: the row says so, then the retry saves it.
            dropped = []

            def drop_once(route):
                if not dropped:
                    dropped.append(route.request.url)
                    route.abort()
                else:
                    route.continue_()

            page.route(f"**/answers/{points_n[0]}", drop_once)
            page.click(f"label[for=v-{points_n[0]}-5]")
            expect(status(points_n[0])).to_contain_text("Не сохранено")
            expect(status(points_n[0])).to_contain_text("Сохранено", timeout=10000)
            expect(status(points_n[0])).not_to_contain_text("Не сохранено")
            assert dropped
            expect(page.locator("#answered-count")).to_have_text("4")

            # Reloaded: everything is where the expert left it.
            page.reload()
            expect(page.locator(f"#v-{conformity[0]}-1")).to_be_checked()
            expect(page.locator(f"#v-{yes_no[0]}-1")).to_be_checked()
            expect(page.locator(f"#v-{points_2[0]}-2")).to_be_checked()
            expect(page.locator(f"#v-{points_n[0]}-5")).to_be_checked()
            expect(page.locator(f"#criterion-{conformity[0]} textarea")).to_have_value("Календарный график не приложен")
            expect(page.locator("#answered-count")).to_have_text("4")
            assert _answers(database, data["assessment_id"]) == {
                conformity[0]: (1, "Календарный график не приложен"),
                yes_no[0]: (1, ""),
                points_2[0]: (2, ""),
                points_n[0]: (5, ""),
            }

            # Submitting without a verdict is refused in place; with one, the checklist locks.
            page.click("#submit-block button[type=submit]")
            expect(page.locator("#submit-block")).to_contain_text("Не выбрана итоговая рекомендация")
            page.select_option("#submit-block select[name=verdict]", "revise")
            page.fill("#submit-block textarea[name=remarks]", "Приложить календарный график.")
            page.click("#submit-block button[type=submit]")
            expect(page.locator("#submitted-note")).to_contain_text("Чек-лист отправлен")
            expect(page.locator("form[data-autosave]")).to_have_count(0)
            assert _submitted(database, data["assessment_id"])[1] == "revise"
            assert errors == []
        except Exception:
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / f"{request.node.name}.png"), full_page=True)
            raise
        finally:
            browser.close()
