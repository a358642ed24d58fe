"""The media plan's rules: statuses, dates, approval, coverage arithmetic, the matrix."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from cluster_intranet.auth.roles import Role
from cluster_intranet.extensions import db
from cluster_intranet.calendar import month
from cluster_intranet.media import builders, coverage, documents, services
from cluster_intranet.media.models import Channel, EventStatus, MediaEvent, MediaParticipant, Publication
from cluster_intranet.media.services import EventFilters, MediaError
from cluster_intranet.meetings import builders as meetings
from cluster_intranet.meetings.models import MeetingStatus
from tests import factories
from tests.conftest import make_user
from tests.media.conftest import NOW

S = EventStatus


# --- statuses ---------------------------------------------------------------------


def test_an_event_goes_planned_material_ready_published(ctx):
    event = builders.event(builders.plan())
    services.change_status(event, "material_ready")
    services.change_status(event, "published")
    assert event.status == S.PUBLISHED
    assert event.next_statuses == (S.MATERIAL_READY, S.CANCELLED)  # corrections, with a reason
    assert event.corrections == [S.MATERIAL_READY, S.CANCELLED]
    assert [(c.kind, c.from_status, c.to_status) for c in event.changes] == [
        ("status", "planned", "material_ready"), ("status", "material_ready", "published"),
    ]  # fmt: skip


def test_a_published_event_is_corrected_only_with_a_reason_kept_in_the_history(ctx):
    event = builders.event(builders.plan(), status=S.PUBLISHED.value)
    with pytest.raises(MediaError, match="Укажите причину исправления статуса"):
        services.change_status(event, "material_ready", reason=" ")
    assert event.status == S.PUBLISHED and event.changes == []
    services.change_status(event, "cancelled", reason="Опубликовано по ошибке: мероприятие не состоялось")
    assert event.status == S.CANCELLED and event.cancel_reason.startswith("Опубликовано по ошибке")
    (change,) = event.changes
    assert (change.kind, change.kind_label, change.text) == (
        "correction",
        "Исправление статуса",
        "Опубликовано → Отменено",
    )
    assert change.reason == "Опубликовано по ошибке: мероприятие не состоялось"


@pytest.mark.parametrize(
    "start, target",
    [
        (S.PLANNED, S.PUBLISHED),  # no material yet
        (S.PLANNED, S.PLANNED),
        (S.PUBLISHED, S.PLANNED),
        (S.CANCELLED, S.PUBLISHED),
        (S.CANCELLED, S.MATERIAL_READY),
    ],
)
def test_refused_transitions_leave_the_status(ctx, start, target):
    event = builders.event(builders.plan(), status=start.value)
    with pytest.raises(MediaError, match="Нельзя перевести мероприятие из статуса"):
        services.change_status(event, target.value, reason="причина")
    assert event.status == start


def test_unknown_status_is_refused(ctx):
    event = builders.event(builders.plan())
    with pytest.raises(MediaError, match="Неизвестный статус"):
        services.change_status(event, "archived")


def test_cancelling_needs_a_reason_and_restoring_clears_it(ctx):
    event = builders.event(builders.plan())
    with pytest.raises(MediaError, match="причину отмены") as refusal:
        services.change_status(event, "cancelled", reason="   ")
    assert refusal.value.field == "reason"
    assert event.status == S.PLANNED

    services.change_status(event, "cancelled", reason="Перенесено на осень")
    assert (event.status, event.cancel_reason) == (S.CANCELLED, "Перенесено на осень")
    services.change_status(event, "planned")
    assert (event.status, event.cancel_reason) == (S.PLANNED, "")


# --- dates and channels -----------------------------------------------------------


def test_event_dates_must_lie_in_the_plan_period(ctx):
    plan = builders.plan(period_start=date(2021, 11, 1), period_end=date(2022, 12, 31))
    event = MediaEvent()
    with pytest.raises(MediaError, match=r"вне периода медиаплана \(01\.11\.2021 – 31\.12\.2022\)"):
        services.save_event(
            event, plan, {"title": "x", "starts_on": date(2022, 12, 30), "ends_on": date(2023, 1, 2)}, []
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count(MediaEvent.id))) == 0


def test_one_day_event_ends_the_day_it_starts_and_channels_follow_the_form(ctx):
    plan = builders.plan()
    event = services.save_event(
        MediaEvent(), plan, {"title": "Ярмарка", "starts_on": date(2022, 3, 23), "ends_on": None,
                             "start_time": time(12), "end_time": time(16)}, ["vk", "websites"],
    )  # fmt: skip
    assert event.ends_on == date(2022, 3, 23)
    assert event.channels == ["websites", "vk"]
    assert event.when == "23.03.2022, 12:00–16:00"

    services.save_event(event, plan, {"title": "Ярмарка", "starts_on": date(2022, 3, 23)}, ["telegram", "vk"])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(MediaEvent, event.id).channels == ["vk", "telegram"]


def test_when_reads_a_whole_day_and_several_days(ctx):
    plan = builders.plan()
    assert builders.event(plan, starts_on=date(2021, 12, 1)).when == "01.12.2021"
    assert (
        builders.event(plan, starts_on=date(2021, 12, 8), ends_on=date(2021, 12, 10)).when == "08.12.2021 – 10.12.2021"
    )


def test_shrinking_the_period_away_from_events_is_refused(ctx):
    plan = builders.plan()
    builders.event(plan, starts_on=date(2022, 12, 14))
    with pytest.raises(MediaError, match="Мероприятий вне нового периода: 1"):
        services.save_plan(
            plan, {"title": plan.title, "period_start": date(2021, 11, 1), "period_end": date(2022, 6, 30)}
        )


# --- approval ---------------------------------------------------------------------


def test_approval_records_who_and_when_and_can_be_undone(ctx):
    person = factories.person(surname="Беляев", first_name="Евгений", patronymic="Викторович",
                              position="Председатель Координационного совета")  # fmt: skip
    user = make_user(Role.SECRETARY, person_id=person.id)
    plan = builders.plan()
    with pytest.raises(MediaError, match="нет ни одного мероприятия"):
        services.approve_plan(plan, user)
    builders.event(plan)
    services.approve_plan(plan, user)
    assert (plan.status, plan.approved_at, plan.approved_by, plan.approved_by_name) == (
        "approved",
        NOW,
        user,
        "Беляев Е.В.",
    )
    person.position = "консультант"  # «УТВЕРЖДАЮ» keeps the position of the approval
    assert documents.media_plan_context(plan)["plan"]["approved_position"] == "Председатель Координационного совета"
    with pytest.raises(MediaError, match="уже утверждён"):
        services.approve_plan(plan, user)
    services.return_to_draft(plan)
    assert (plan.status, plan.approved_at, plan.approved_by_name, plan.approved_by_position) == ("draft", None, "", "")


def test_a_plan_with_events_cannot_be_deleted(ctx):
    plan = builders.plan()
    builders.event(plan)
    with pytest.raises(MediaError, match="мероприятия медиаплана \\(1\\)"):
        services.delete_plan(plan)


def test_an_event_someone_published_cannot_be_deleted(ctx):
    event = builders.due(builders.plan())
    builders.publication(event, builders.participant(factories.organization()))
    with pytest.raises(MediaError, match="публикации о мероприятиях \\(1\\).*Отмените"):
        services.delete_event(event)


# --- coverage arithmetic ----------------------------------------------------------


@pytest.mark.parametrize(
    "covered, total, expected", [(0, 0, None), (0, 3, 0), (1, 3, 33), (2, 3, 66), (3, 3, 100), (199, 200, 99)]
)
def test_percent_rounds_down_so_that_100_means_complete(covered, total, expected):
    assert coverage.percent(covered, total) == expected


@pytest.fixture
def coverage_case(ctx):
    """Participants A, B, C; two due events, and three that are not due."""
    a = builders.participant(factories.organization(short_name="ОГБПОУ «А»"))
    b = builders.participant(factories.organization(short_name="ОГБПОУ «Б»"))
    c = builders.participant(factories.organization(short_name="ОГБПОУ «В»"))
    factories.organization(short_name="ООО «Не участник»")  # in the directory, not in the coverage
    plan = builders.plan()
    first = builders.due(plan, starts_on=date(2022, 3, 1))
    second = builders.event(plan, starts_on=date(2022, 4, 1), status="published")
    builders.event(plan, starts_on=date(2022, 3, 2))  # planned: nothing to publish yet
    builders.event(plan, starts_on=date(2022, 3, 3), status="published", is_public=False)  # internal
    builders.event(plan, starts_on=date(2022, 3, 4), status="cancelled", cancel_reason="нет")
    builders.publication(first, a)
    builders.publication(first, b)
    builders.publication(first, b, channel=Channel.VK)  # a second channel is still one participant
    builders.publication(second, a)
    db.session.commit()
    return plan, (a, b, c), (first, second)


def test_the_matrix_counts_per_event_per_participant_and_in_total(coverage_case):
    plan, (a, b, c), (first, second) = coverage_case
    matrix = coverage.coverage_matrix(plan, EventFilters())
    assert [row.event.id for row in matrix.rows] == [first.id, second.id]
    assert [(p.short_name, p.covered, p.percent) for p in matrix.participants] == [
        ("ОГБПОУ «А»", 2, 100), ("ОГБПОУ «Б»", 1, 50), ("ОГБПОУ «В»", 0, 0),
    ]  # fmt: skip
    assert [(row.covered, row.percent) for row in matrix.rows] == [(2, 66), (1, 33)]
    assert [[bool(cell) for cell in row.cells] for row in matrix.rows] == [[True, True, False], [True, False, False]]
    assert [channel for _, channel, _, _ in matrix.rows[0].cells[1]] == ["websites", "vk"]
    assert (matrix.total_events, matrix.percent, matrix.gaps) == (2, 50, 3)


def test_a_participant_added_later_joins_the_matrix_with_its_gaps(coverage_case):
    plan, _, _ = coverage_case
    builders.participant(factories.organization(short_name="ООО «Новый участник»"))
    db.session.commit()
    matrix = coverage.coverage_matrix(plan, EventFilters())
    newcomer = matrix.participants[-1]
    assert (newcomer.short_name, newcomer.covered, newcomer.percent) == ("ООО «Новый участник»", 0, 0)
    assert [(row.covered, row.percent) for row in matrix.rows] == [(2, 50), (1, 25)]
    assert [row.cells[-1] for row in matrix.rows] == [(), ()]
    assert (matrix.percent, matrix.gaps) == (37, 5)


def test_the_matrix_pages_events_but_counts_participants_over_all(coverage_case):
    plan, _, (first, second) = coverage_case
    matrix = coverage.coverage_matrix(plan, EventFilters(), page=2, per_page=1)
    assert [row.event.id for row in matrix.rows] == [second.id]
    assert [p.covered for p in matrix.participants] == [2, 1, 0]
    assert matrix.total_events == 2


def test_the_matrix_follows_the_month_filter(coverage_case):
    plan, _, (first, second) = coverage_case
    matrix = coverage.coverage_matrix(plan, EventFilters(month=date(2022, 4, 1)))
    assert [row.event.id for row in matrix.rows] == [second.id]
    assert [p.percent for p in matrix.participants] == [100, 0, 0]


def test_the_matrix_takes_the_same_queries_whatever_its_size(app, ctx, count_queries):
    def measure(events: int, participants: int) -> int:
        plan = builders.plan()
        orgs = [builders.participant(factories.organization()) for _ in range(participants)]
        for n in range(events):
            event = builders.due(plan, starts_on=date(2022, 1, 1 + n % 28))
            for org in orgs[: n % participants]:
                builders.publication(event, org)
        db.session.commit()
        with count_queries() as counter:
            matrix = coverage.coverage_matrix(plan, EventFilters())
            [bool(cell) for row in matrix.rows for cell in row.cells]
        return counter.count

    small = measure(3, 2)
    large = measure(60, 12)
    assert small == large <= 5  # the plan (expired by the commit), participants, count, events, publications


def test_still_to_publish_lists_the_due_events_the_participant_has_not_covered(coverage_case):
    _, (a, b, c), (first, second) = coverage_case
    assert coverage.still_to_publish(a.id) == []
    assert coverage.still_to_publish(b.id) == [second]
    assert coverage.still_to_publish(c.id) == [first, second]


# --- recording publications -------------------------------------------------------


@pytest.fixture
def editor_case(ctx):
    own = builders.participant(factories.organization(short_name="ОГБПОУ «Свой»"))
    other = builders.participant(factories.organization(short_name="ОГБПОУ «Чужой»"))
    editor = make_user(Role.EDITOR, person_id=factories.person(organization_id=own.id).id)
    event = builders.due(builders.plan())
    db.session.commit()
    return editor, own, other, event


def _data(org, **fields):
    return {
        "organization_id": org.id,
        "channel": "websites",
        "url": "https://a.ru/n/1",
        "published_on": date(2022, 3, 2),
        **fields,
    }


def test_an_editor_records_for_the_own_organization_only(editor_case):
    editor, own, other, event = editor_case
    pub = coverage.record_publication(event, editor, _data(own))
    assert (pub.organization_id, pub.recorded_by_id) == (own.id, editor.id)
    with pytest.raises(PermissionError):
        coverage.record_publication(event, editor, _data(other))
    with pytest.raises(PermissionError):
        coverage.delete_publication(builders.publication(event, other), editor)
    secretary = make_user(Role.SECRETARY)
    assert coverage.record_publication(event, secretary, _data(other, channel="vk")).organization_id == other.id
    viewer = make_user(Role.VIEWER)
    assert not coverage.may_record(viewer, own.id)


def test_recording_the_same_channel_again_corrects_it(editor_case):
    editor, own, _, event = editor_case
    coverage.record_publication(event, editor, _data(own))
    coverage.record_publication(event, editor, _data(own, url="https://a.ru/n/2", published_on=date(2022, 3, 5)))
    pubs = db.session.scalars(select(Publication)).all()
    assert [(p.url, p.published_on) for p in pubs] == [("https://a.ru/n/2", date(2022, 3, 5))]


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(url=""), "Укажите адрес публикации"),
        (dict(published_on=date(2022, 3, 11)), "ещё не наступила"),  # today is 10 March 2022
    ],
)
def test_bad_publications_are_refused(editor_case, change, message):
    editor, own, _, event = editor_case
    with pytest.raises(MediaError, match=message):
        coverage.record_publication(event, editor, _data(own, **change))


def test_tv_needs_no_url_but_cancelled_and_internal_events_take_no_publications(editor_case):
    editor, own, _, event = editor_case
    assert coverage.record_publication(event, editor, _data(own, channel="tv", url="")).url == ""
    cancelled = builders.event(event.plan, status="cancelled", cancel_reason="нет")
    with pytest.raises(MediaError, match="отменено"):
        coverage.record_publication(cancelled, editor, _data(own))
    internal = builders.due(event.plan, is_public=False)
    with pytest.raises(MediaError, match="внутреннее"):
        coverage.record_publication(internal, editor, _data(own))


# --- the month calendar -----------------------------------------------------------


def test_month_weeks_start_on_monday_and_cover_the_month():
    weeks = month.month_weeks(date(2021, 11, 1))
    assert weeks[0][0] == date(2021, 11, 1) and weeks[-1][-1] == date(2021, 12, 5)
    weeks = month.month_weeks(date(2022, 5, 1))  # 1 May 2022 was a Sunday
    assert weeks[0][0] == date(2022, 4, 25) and weeks[-1][-1] == date(2022, 6, 5)


def test_calendar_entries_hold_media_events_and_meetings_of_the_days(ctx):
    plan = builders.plan()
    spanning = builders.event(plan, title="Чемпионат", starts_on=date(2021, 10, 30), ends_on=date(2021, 11, 2))
    builders.event(plan, title="Декабрь", starts_on=date(2021, 12, 1))
    meeting = meetings.meeting(on=date(2021, 11, 2), number=2, start_time=time(10))
    meetings.meeting(meeting.council, date(2021, 11, 3), number=3, deleted_at=NOW)
    db.session.commit()

    entries = month.calendar_entries(date(2021, 11, 1), date(2021, 11, 30))
    assert [(e.kind, e.id) for e in entries] == [("media", spanning.id), ("meeting", meeting.id)]
    assert entries[0].on(date(2021, 11, 2)) and not entries[0].on(date(2021, 11, 3))
    assert entries[1].title.startswith("Заседание Совета") and entries[1].status_label == MeetingStatus.PLANNED.label
    assert (entries[1].endpoint, entries[1].values) == ("meetings.show", {"meeting_id": meeting.id})


# --- filters ----------------------------------------------------------------------


def test_filters_ignore_malformed_values():
    filters = EventFilters.from_args(
        {"month": "2022-13", "organizer": "x", "status": "lost", "channel": "vk", "responsible": "7"}
    )
    assert (filters.month, filters.organizer_id, filters.status, filters.channel, filters.responsible_id) == (
        None, None, None, "vk", 7,
    )  # fmt: skip
    assert filters.as_args() == {"channel": "vk", "responsible": "7"}


def test_only_participants_take_publications_and_leaving_keeps_them(editor_case):
    editor, own, other, event = editor_case
    outsider = factories.organization(short_name="ООО «Не участник»")
    secretary = make_user(Role.SECRETARY)
    with pytest.raises(MediaError, match="не участвует в освещении"):
        coverage.record_publication(event, secretary, _data(outsider))
    assert [name for _, name in coverage.recordable_organizations(secretary)] == ["ОГБПОУ «Свой»", "ОГБПОУ «Чужой»"]
    assert [name for _, name in coverage.recordable_organizations(editor)] == ["ОГБПОУ «Свой»"]
    assert "ООО «Не участник»" in dict(coverage.non_participant_choices()).values()

    coverage.record_publication(event, editor, _data(own))
    leaving = db.session.scalar(select(MediaParticipant).where(MediaParticipant.organization_id == own.id))
    coverage.remove_participant(leaving)
    assert [p.short_name for p in coverage.coverage_matrix(event.plan).participants] == ["ОГБПОУ «Чужой»"]
    assert db.session.scalar(select(func.count(Publication.id))) == 1
    with pytest.raises(MediaError, match="уже участвует"):
        coverage.add_participant(other.id)
