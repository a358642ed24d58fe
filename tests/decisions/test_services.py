"""The rules of execution control: transitions, reports, reasons, permissions, history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cluster_intranet.decisions import queries, services
from cluster_intranet.decisions.models import DecisionEventKind, DecisionStatus
from cluster_intranet.extensions import db
from tests import factories
from tests.conftest import make_user
from tests.decisions import support
from tests.decisions.support import TODAY

OPEN, IN_PROGRESS, DONE, CANCELLED = DecisionStatus


def report(**overrides):
    return {"report_text": "Чек-лист разработан.", "report_date": TODAY, **overrides}


def test_open_to_in_progress_to_done_keeps_history(world):
    d = support.decision(world.meeting, world.lead, deadline=date(2021, 12, 1))
    services.change_status(d, world.lead_user, IN_PROGRESS)
    services.change_status(d, world.lead_user, DONE, report_link="https://cluster.example/checklist", **report())
    db.session.commit()

    assert d.status == DONE
    assert (d.report_text, d.report_date, d.report_link) == (
        "Чек-лист разработан.",
        TODAY,
        "https://cluster.example/checklist",
    )
    assert [(e.kind, e.from_status, e.to_status, e.user) for e in d.events] == [
        ("status", "open", "in_progress", world.lead_user),
        ("status", "in_progress", "done", world.lead_user),
    ]
    assert "Чек-лист разработан." in d.events[1].comment and "20.11.2021" in d.events[1].comment
    assert d.events[0].created_at == support.NOW
    assert d.done_late_days == 0


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"report_text": ""}, "report_text"),
        ({"report_text": "   "}, "report_text"),
        ({"report_date": None}, "report_date"),
        ({"report_date": TODAY + timedelta(days=1)}, "report_date"),  # not in the future
        ({"report_date": date(2021, 10, 1)}, "report_date"),  # not before the meeting
        ({"report_link": "cluster.example/x"}, "report_link"),
    ],
)
def test_done_needs_a_report(world, fields, field):
    d = support.decision(world.meeting, world.lead, status=IN_PROGRESS)
    with pytest.raises(services.DecisionError) as refused:
        services.change_status(d, world.lead_user, DONE, **report(**fields))
    assert refused.value.field == field
    assert d.status == IN_PROGRESS and d.events == []


def test_an_open_decision_is_reported_done_without_being_taken_into_work(world):
    """A decision carried out at the meeting itself: its executor reports it at once."""
    d = support.decision(world.meeting, world.lead)
    assert DONE in services.next_statuses(world.lead_user, d)
    services.change_status(d, world.lead_user, DONE, **report())
    assert (d.status, d.report_text) == (DONE, "Чек-лист разработан.")
    assert [(e.kind, e.from_status, e.to_status) for e in d.events] == [("status", "open", "done")]


@pytest.mark.parametrize(
    "current, new",
    [
        (OPEN, OPEN),
        (IN_PROGRESS, OPEN),
        (DONE, CANCELLED),
        (DONE, OPEN),
        (CANCELLED, DONE),
        (CANCELLED, IN_PROGRESS),
    ],
)
def test_transitions_outside_the_rules_are_refused(world, current, new):
    d = support.decision(world.meeting, world.lead, status=current, report_text="x", report_date=TODAY)
    with pytest.raises(services.DecisionError, match="нельзя перейти") as refused:
        services.change_status(d, world.secretary, new, comment="причина", **report())
    assert refused.value.field is None  # the decision's state refuses it, not the select
    assert d.status == current


def test_cancelling_needs_a_reason_and_a_secretary(world):
    d = support.decision(world.meeting, world.lead)
    with pytest.raises(services.DecisionForbidden):
        services.change_status(d, world.lead_user, CANCELLED, comment="не нужно")
    with pytest.raises(services.DecisionError) as refused:
        services.change_status(d, world.secretary, CANCELLED, comment=" ")
    assert refused.value.field == "comment"
    services.change_status(d, world.secretary, CANCELLED, comment="Утратило актуальность.")
    assert d.status == CANCELLED and d.cancel_reason == "Утратило актуальность."
    assert d.events[-1].comment == "Утратило актуальность."


def test_a_secretary_reopens_done_and_restores_cancelled_with_a_comment(world):
    done = support.done(world.meeting, world.lead)
    with pytest.raises(services.DecisionForbidden):
        services.change_status(done, world.lead_user, IN_PROGRESS, comment="ещё не всё")
    with pytest.raises(services.DecisionError) as refused:
        services.change_status(done, world.secretary, IN_PROGRESS)
    assert refused.value.field == "comment"
    services.change_status(done, world.secretary, IN_PROGRESS, comment="Отчёт неполный: нет протокола.")
    assert done.status == IN_PROGRESS
    assert done.report_text == "Сделано."  # kept as a draft of the next report

    cancelled = support.decision(world.meeting, world.lead, status=CANCELLED, cancel_reason="Не нужно.")
    services.change_status(cancelled, world.secretary, OPEN, comment="Вопрос снова актуален.")
    assert cancelled.status == OPEN and cancelled.cancel_reason == ""
    assert cancelled.events[-1].to_status == OPEN


def test_correcting_the_report_of_a_done_decision_is_kept(world):
    d = support.done(world.meeting, world.lead)
    services.change_status(d, world.lead_user, DONE, **report(report_text="Сделано, протокол приложен."))
    assert d.report_text == "Сделано, протокол приложен."
    assert d.events[-1].kind == DecisionEventKind.REPORT
    assert d.status == DONE


def test_only_responsible_people_and_secretaries_may_change(world, app):
    watcher = factories.person()
    d = support.decision(world.meeting, world.lead, world.co, watcher)
    # Someone else, responsible for other things: refused.
    with pytest.raises(services.DecisionForbidden):
        services.change_status(d, world.other_user, IN_PROGRESS)
    # A co-executor may.
    services.change_status(d, world.co_user, IN_PROGRESS)
    # A viewer may not, even if responsible; a user with no person neither.
    viewer = make_user("viewer", "viewer@cluster.test", watcher.id)
    nobody = make_user("editor", "editor@cluster.test")
    for user in (viewer, nobody):
        assert not services.can_control(user, d)
        with pytest.raises(services.DecisionForbidden):
            services.change_status(d, user, DONE, **report())
    assert d.status == IN_PROGRESS and len(d.events) == 1


def test_next_statuses_are_what_the_user_may_do(world):
    d = support.decision(world.meeting, world.lead)
    assert services.next_statuses(world.lead_user, d) == [IN_PROGRESS, DONE]
    assert services.next_statuses(world.secretary, d) == [IN_PROGRESS, DONE, CANCELLED]
    assert services.next_statuses(world.other_user, d) == []


def test_moving_the_deadline_needs_a_reason_and_keeps_the_original(world):
    d = support.decision(world.meeting, world.lead, deadline=date(2021, 12, 1))
    with pytest.raises(services.DecisionError) as refused:
        services.move_deadline(d, world.secretary, date(2022, 1, 15), "")
    assert refused.value.field == "reason"
    with pytest.raises(services.DecisionForbidden):  # the executor cannot move their own deadline
        services.move_deadline(d, world.lead_user, date(2022, 1, 15), "не успеваю")
    with pytest.raises(services.DecisionError) as refused:
        services.move_deadline(d, world.secretary, None, "причина")
    assert refused.value.field == "deadline"
    with pytest.raises(services.DecisionError):
        services.move_deadline(d, world.secretary, date(2021, 10, 1), "раньше заседания")

    services.move_deadline(d, world.secretary, date(2022, 1, 15), "Ждём согласования департамента.")
    services.move_deadline(d, world.secretary, date(2022, 2, 1), "Праздники.")
    db.session.commit()
    assert d.deadline == date(2022, 2, 1)
    assert d.original_deadline == date(2021, 12, 1)
    moves = [(e.old_deadline, e.new_deadline, e.comment) for e in d.events]
    assert moves == [
        (date(2021, 12, 1), date(2022, 1, 15), "Ждём согласования департамента."),
        (date(2022, 1, 15), date(2022, 2, 1), "Праздники."),
    ]
    assert queries.original_deadlines([d.id]) == {d.id: date(2021, 12, 1)}


def test_the_deadline_of_a_finished_decision_stays(world):
    d = support.done(world.meeting, world.lead, deadline=date(2021, 11, 1), report="x", on=date(2021, 11, 5))
    with pytest.raises(services.DecisionError):
        services.move_deadline(d, world.secretary, date(2021, 11, 10), "задним числом")
    assert d.done_late_days == 4  # reported after the deadline in force


def test_a_stale_version_is_refused_with_who_and_when(world):
    d = support.decision(world.meeting, world.lead)
    seen = d.version
    services.change_status(d, world.lead_user, IN_PROGRESS, version=seen)
    db.session.commit()
    with pytest.raises(services.StaleDecision) as refused:
        services.move_deadline(d, world.secretary, date(2022, 1, 1), "причина", version=seen)
    # 03:00 UTC is 10:00 in Tomsk.
    assert str(refused.value) == "Изменено пользователем Пояркова О.Н. в 10:00, обновите страницу."


def test_the_summary_counts_decisions_without_a_deadline(world):
    support.done(world.meeting, world.lead, report="x")
    support.decision(world.meeting, world.lead)
    support.decision(world.meeting, world.lead, deadline=TODAY - timedelta(days=1))
    support.decision(world.meeting, world.lead, deadline=TODAY)  # due today: not overdue yet
    (row,), total = queries.person_summary(queries.Filters(today=TODAY))
    assert total == 1
    assert (row.assigned, row.done_on_time, row.done_late, row.overdue, row.in_work) == (4, 1, 0, 1, 2)
