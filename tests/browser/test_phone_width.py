"""Pages a user reached in whole tasks on a phone (390 px) that the every-page sweep does
not: their data (a media event's history, a programme's sessions) is not in the first rows
of the demo. A phone
never scrolls the page sideways; a wide table scrolls in its own box."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from cluster_intranet.auth.services import create_user
    from cluster_intranet.councils import builders as councils
    from cluster_intranet.directory import builders as directory
    from cluster_intranet.media import builders, services
    from cluster_intranet.meetings import builders as meetings
    from tests.expertise.conftest import answer_and_submit_all, build_session

    editor = create_user("zmeeva@cluster.local", "browser-password-1", "editor")
    editor.person = directory.person(surname="Змеева", first_name="Елена", patronymic="Евгеньевна")
    plan = builders.plan()
    event = builders.event(
        plan, title="Информационная сессия: даты экспертных сессий 2022 года", start_time=dt.time(11)
    )
    when = {"starts_on": dt.date(2022, 3, 1), "start_time": dt.time(11), "end_time": dt.time(12)}
    services.postpone_event(event, editor, {**when, "reason": "Перенос по просьбе организатора"})
    services.change_status(event, "material_ready", user=editor)
    session, _ = build_session(experts=1)
    meeting = meetings.meeting(  # presence not marked
        councils.council(12), on=dt.date(2021, 11, 17), agenda=["О плане работы кластера на 2027 год"]
    )
    evaluated, _ = build_session(experts=3)
    answer_and_submit_all(evaluated)
    invited = _invited_meeting()
    return {"event": event.id, "programme": session.programme_id, "meeting": meeting.id, "session": evaluated.id,
            "invited": invited}  # fmt: skip


def _invited_meeting() -> int:
    """A planned meeting whose invitations went out: the section's table of who was sent what."""
    from flask import current_app

    from cluster_intranet.councils import builders as councils
    from cluster_intranet.directory import builders as directory
    from cluster_intranet.extensions import db
    from cluster_intranet.invitations import services as invitations
    from cluster_intranet.meetings import builders as meetings
    from cluster_intranet.meetings.models import Attendance

    people = [
        directory.person(surname="Мельникова-Гросс", first_name="Юлия", patronymic="Андреевна",
                         email="melnikova-gross.yulia@tomsk-industrial-cluster.ru"),
        directory.person(surname="Беляев", first_name="Евгений", patronymic="Викторович", email="belyaev@cluster.ru"),
    ]  # fmt: skip
    meeting = meetings.meeting(
        councils.council(3), on=dt.date(2027, 3, 18), status="planned", start_time=dt.time(14),
        attendances=[Attendance(person=p, name=p.short_name, position=i) for i, p in enumerate(people)],
    )  # fmt: skip
    db.session.flush()
    with current_app.test_request_context():  # the calendar's links
        invitations.queue_invitations(meeting)  # queued: the test's server sends nothing
    return meeting.id


live, page = signed_in_fixtures(_prepare)


@pytest.mark.parametrize(
    ("path", "measured"),
    [
        ("/media/events/{event}", ".event-history"),
        ("/expertise/programmes/{programme}", "#session-row-1"),
        ("/meetings/{invited}", "#invitations table"),  # who was sent what: it pushed the page to 500 px
    ],
)
def test_a_page_with_a_table_stays_within_a_phones_width(live, page, path, measured):
    base, _, ids = live
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + path.format(**ids))
    page.wait_for_load_state("networkidle")
    assert page.locator(measured).count() == 1  # the table is there to be measured
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    if "invitations" in measured:  # not scrolled in its own box either: the state, its last column, in sight
        assert page.locator(measured).evaluate("t => t.getBoundingClientRect().right") <= 390 - 12


def test_the_quorum_badge_sits_apart_from_the_participants_heading_on_a_phone(live, page):
    """«Присутствие не отмечено · для кворума нужно 7 из 12» does not squeeze itself into
    two cramped lines beside «Участники»: on a phone it goes under it, and breaks (if at
    all) between its phrases."""
    base, _, ids = live
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/meetings/{ids['meeting']}")
    heading = page.locator("#attendees .card-header > span", has_text="Участники").bounding_box()
    badge = page.locator("#quorum")
    assert "для кворума нужно 7 из 12" in badge.inner_text()
    box = badge.bounding_box()
    assert box["y"] >= heading["y"] + heading["height"]  # below the heading, not beside it
    assert _lines_of(page, "#quorum", "для кворума нужно 7 из 12") == 1  # not squeezed into two
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_an_agenda_items_text_keeps_the_width_of_a_phone_beside_its_buttons(live, page):
    """A secretary's ↑ ↓ ✎ × go under a short title on a phone rather than squeezing it
    into a third of the screen, four words a line."""
    base, _, ids = live
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/meetings/{ids['meeting']}")
    item = page.locator("#agenda li", has_text="О плане работы кластера")
    text, buttons = item.locator(".me-auto").bounding_box(), item.locator(".btn-group").bounding_box()
    assert _lines_of(page, "#agenda li .me-auto", "О плане работы кластера") == 1
    assert buttons["y"] >= text["y"] + text["height"]  # below the text, not beside it


def test_the_expertise_results_are_cards_on_a_phone(live, page):
    """The matrix of every expert's answers does not scroll sideways on a phone: each
    criterion is a card, each answer after its expert's name."""
    base, _, ids = live
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/expertise/sessions/{ids['session']}")
    results = page.locator(".results")
    assert results.locator("tbody tr").count() > 3  # the matrix is there to be measured
    assert results.evaluate("box => box.scrollWidth - box.clientWidth") <= 0
    first = results.locator("tbody tr:not(.section-row)").first
    wording, answer = first.locator(".card-title").bounding_box(), first.locator(".expert-cell").first.bounding_box()
    assert answer["y"] >= wording["y"] + wording["height"]  # the answers under the criterion, not in a column
    label = first.locator(".expert-cell").first.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label.strip('" ').endswith(":")  # «Соколов А.В.:» before the answer


def _lines_of(page, selector: str, phrase: str) -> int:
    """On how many lines ``phrase`` (within one text node of ``selector``) is laid out."""
    return page.evaluate(
        """([selector, phrase]) => {
            const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const start = node.data.indexOf(phrase);
                if (start < 0) continue;
                const range = document.createRange();
                range.setStart(node, start);
                range.setEnd(node, start + phrase.length);
                return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
            }
            return 0;
        }""",
        [selector, phrase],
    )
