"""Every route of the app, for every role, answers as the access matrix says.

The routes come from ``app.url_map``: a route added without a row here fails
``test_every_route_is_in_the_matrix``. A row is (endpoint, method, who may) where
``who may`` is PUBLIC, SIGNED_IN (any role) or a tuple of roles; everyone else
gets 403, and anonymous users are sent to the login page.
"""

from __future__ import annotations

import pytest

from cluster_intranet.auth.roles import (
    EDIT_COUNCILS,
    EDIT_DECISIONS,
    EDIT_ALL_COVERAGE,
    EDIT_DIRECTORY,
    EDIT_MEDIA,
    EDIT_MEETINGS,
    EDIT_TEMPLATES,
    MANAGE_USERS,
    RUN_EXPERTISE,
    Role,
)
from cluster_intranet.demo import seed

PUBLIC = "public"
SIGNED_IN = "signed in"
ROLES = [None, *Role]  # None: anonymous

# endpoint -> {method: who may}
MATRIX: dict[str, dict[str, object]] = {
    "static": {"GET": PUBLIC},
    "auth.login": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.logout": {"POST": SIGNED_IN},
    "auth.profile": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "main.dashboard": {"GET": SIGNED_IN},
    "main.bare": {"GET": SIGNED_IN},
    "directory.organizations": {"GET": SIGNED_IN},
    "directory.people": {"GET": SIGNED_IN},
    "directory.suggest_people": {"GET": SIGNED_IN},
    "directory.person_chip": {"GET": SIGNED_IN},
    "directory.row": {"GET": SIGNED_IN},
    "directory.create": {"GET": EDIT_DIRECTORY, "POST": EDIT_DIRECTORY},
    "directory.new_person": {"GET": EDIT_DIRECTORY, "POST": EDIT_DIRECTORY},
    "directory.edit": {"GET": EDIT_DIRECTORY, "POST": EDIT_DIRECTORY},
    "directory.delete": {"POST": EDIT_DIRECTORY},
    "councils.index": {"GET": SIGNED_IN},
    "councils.members": {"GET": SIGNED_IN},
    "councils.edit": {"GET": EDIT_COUNCILS, "POST": EDIT_COUNCILS},
    "councils.add_member": {"POST": EDIT_COUNCILS},
    "councils.change_role": {"POST": EDIT_COUNCILS},
    "councils.remove_member": {"POST": EDIT_COUNCILS},
    "meetings.index": {"GET": SIGNED_IN},
    "meetings.next_number": {"GET": SIGNED_IN},
    "meetings.show": {"GET": SIGNED_IN},
    "meetings.version": {"GET": SIGNED_IN},
    "meetings.edit": {"GET": EDIT_MEETINGS, "POST": EDIT_MEETINGS},
    "meetings.add_row": {"POST": EDIT_MEETINGS},
    "meetings.edit_attendee": {"GET": EDIT_MEETINGS, "POST": EDIT_MEETINGS},
    "meetings.remove_row": {"POST": EDIT_MEETINGS},
    "meetings.move_row": {"POST": EDIT_MEETINGS},
    "meetings.edit_agenda_item": {"GET": EDIT_MEETINGS, "POST": EDIT_MEETINGS},
    "meetings.edit_decision": {"GET": EDIT_MEETINGS, "POST": EDIT_MEETINGS},
    "meetings.approve": {"POST": EDIT_MEETINGS},
    "meetings.reopen": {"POST": EDIT_MEETINGS},
    "meetings.copy": {"POST": EDIT_MEETINGS},
    "meetings.delete": {"POST": EDIT_MEETINGS},
    "meetings.import_protocol": {"GET": EDIT_MEETINGS, "POST": EDIT_MEETINGS},
    "meetings.review_import": {"GET": EDIT_MEETINGS, "POST": EDIT_MEETINGS},
    "meetings.discard_import": {"POST": EDIT_MEETINGS},
    # The original of an imported protocol (the walk's is confirmed) is seen with its meeting.
    "meetings.import_original": {"GET": SIGNED_IN},
    "materials.section": {"GET": SIGNED_IN},
    "materials.download": {"GET": SIGNED_IN},
    "materials.download_version": {"GET": SIGNED_IN},
    "materials.add": {"POST": EDIT_MEETINGS},
    "materials.add_version": {"POST": EDIT_MEETINGS},
    "materials.edit": {"POST": EDIT_MEETINGS},
    "materials.move": {"POST": EDIT_MEETINGS},
    "materials.delete": {"POST": EDIT_MEETINGS},
    "invitations.section": {"GET": SIGNED_IN},
    "invitations.send": {"POST": EDIT_MEETINGS},
    # A responsible person may change their own decisions (tested in tests/decisions): the
    # walkers are nobody's, so only secretaries pass here.
    "decisions.index": {"GET": SIGNED_IN},
    "decisions.summary": {"GET": SIGNED_IN},
    "decisions.my": {"GET": SIGNED_IN},
    "decisions.show": {"GET": SIGNED_IN},
    "decisions.row": {"GET": SIGNED_IN},
    "decisions.change_status": {"POST": EDIT_DECISIONS},
    "decisions.move_deadline": {"POST": EDIT_DECISIONS},
    "decisions.export_xlsx": {"GET": SIGNED_IN},
    "decisions.export_docx": {"GET": SIGNED_IN},
    "media.index": {"GET": SIGNED_IN},
    "media.edit_plan": {"GET": EDIT_MEDIA, "POST": EDIT_MEDIA},
    "media.approve_plan": {"POST": EDIT_MEDIA},
    "media.draft_plan": {"POST": EDIT_MEDIA},
    "media.delete_plan": {"POST": EDIT_MEDIA},
    "media.plan": {"GET": SIGNED_IN},
    "media.create_event": {"GET": EDIT_MEDIA, "POST": EDIT_MEDIA},
    "media.edit_event": {"GET": EDIT_MEDIA, "POST": EDIT_MEDIA},
    "media.event_row": {"GET": SIGNED_IN},
    "media.event": {"GET": SIGNED_IN},
    "media.change_status": {"POST": EDIT_MEDIA},
    "media.postpone_event": {"GET": EDIT_MEDIA, "POST": EDIT_MEDIA},
    "media.duplicate_event": {"POST": EDIT_MEDIA},
    "media.copy_plan": {"POST": EDIT_MEDIA},
    "media.delete_event": {"POST": EDIT_MEDIA},
    "media.coverage": {"GET": SIGNED_IN},
    "media.slot": {"GET": SIGNED_IN},
    "media.record_publication": {"GET": EDIT_MEDIA, "POST": EDIT_MEDIA},
    # An editor deletes the publications of the own organization only (tests/media); the walker has none.
    "media.delete_publication": {"POST": EDIT_ALL_COVERAGE},
    "media.participants": {"GET": SIGNED_IN},
    "media.add_participant": {"POST": EDIT_ALL_COVERAGE},
    "media.remove_participant": {"POST": EDIT_ALL_COVERAGE},
    "media.todo": {"GET": SIGNED_IN},
    "media.calendar": {"GET": SIGNED_IN},
    "media.press_release": {"GET": SIGNED_IN},
    "media.plan_docx": {"GET": SIGNED_IN},
    "media.plan_xlsx": {"GET": SIGNED_IN},
    "media.embed": {"GET": SIGNED_IN},
    "media.atom_feed": {"GET": PUBLIC},
    "media.rss_feed": {"GET": PUBLIC},
    "media.json_feed": {"GET": PUBLIC},
    "media.upcoming_snippet": {"GET": PUBLIC},
    "documents.index": {"GET": SIGNED_IN},
    "documents.protocol": {"GET": SIGNED_IN},
    "documents.protocol_version": {"GET": SIGNED_IN},
    "documents.extract_form": {"GET": SIGNED_IN},
    "documents.extract": {"GET": SIGNED_IN},
    "documents.report": {"GET": SIGNED_IN},
    "documents.templates": {"GET": EDIT_TEMPLATES},
    "documents.template_kind": {"GET": EDIT_TEMPLATES},
    "documents.upload_template": {"POST": EDIT_TEMPLATES},
    "documents.download_template": {"GET": EDIT_TEMPLATES},
    "documents.download_default": {"GET": EDIT_TEMPLATES},
    "documents.activate_template": {"POST": EDIT_TEMPLATES},
    "documents.use_default": {"POST": EDIT_TEMPLATES},
    "documents.template_reference": {"GET": EDIT_TEMPLATES},
    # Expertise: the walk uses the completed demo session (its checklist published, every
    # expert's checklist submitted), so each permitted change is refused and nothing is lost.
    # Session results are for secretaries and, once completed, viewers; experts are checked
    # per assignment in tests/expertise.
    "expertise.index": {"GET": SIGNED_IN},
    "expertise.programmes": {"GET": SIGNED_IN},
    "expertise.programme": {"GET": SIGNED_IN},
    "expertise.edit_programme": {"GET": RUN_EXPERTISE, "POST": RUN_EXPERTISE},
    "expertise.delete_programme": {"POST": RUN_EXPERTISE},
    "expertise.approval_sheet": {"GET": (*RUN_EXPERTISE, Role.VIEWER)},
    "expertise.checklists": {"GET": SIGNED_IN},
    "expertise.new_checklist": {"GET": RUN_EXPERTISE, "POST": RUN_EXPERTISE},
    "expertise.checklist": {"GET": SIGNED_IN},
    "expertise.rename_checklist": {"POST": RUN_EXPERTISE},
    "expertise.add_section": {"POST": RUN_EXPERTISE},
    "expertise.edit_section": {"GET": RUN_EXPERTISE, "POST": RUN_EXPERTISE},
    "expertise.delete_section": {"POST": RUN_EXPERTISE},
    "expertise.move_section": {"POST": RUN_EXPERTISE},
    "expertise.add_criterion": {"GET": RUN_EXPERTISE, "POST": RUN_EXPERTISE},
    "expertise.edit_criterion": {"GET": RUN_EXPERTISE, "POST": RUN_EXPERTISE},
    "expertise.delete_criterion": {"POST": RUN_EXPERTISE},
    "expertise.move_criterion": {"POST": RUN_EXPERTISE},
    "expertise.publish_checklist": {"POST": RUN_EXPERTISE},
    "expertise.new_version": {"POST": RUN_EXPERTISE},
    "expertise.delete_checklist": {"POST": RUN_EXPERTISE},
    "expertise.edit_session": {"GET": RUN_EXPERTISE, "POST": RUN_EXPERTISE},
    "expertise.delete_session": {"POST": RUN_EXPERTISE},
    "expertise.session": {"GET": (*RUN_EXPERTISE, Role.VIEWER)},
    "expertise.progress": {"GET": RUN_EXPERTISE},
    "expertise.add_expert": {"POST": RUN_EXPERTISE},
    "expertise.remove_expert": {"POST": RUN_EXPERTISE},
    "expertise.confirm_conclusion": {"POST": RUN_EXPERTISE},
    "expertise.conclusion_document": {"GET": (*RUN_EXPERTISE, Role.VIEWER)},
    "expertise.assessment": {"GET": (*RUN_EXPERTISE, Role.VIEWER)},
    "expertise.save_answer": {"POST": RUN_EXPERTISE},
    "expertise.submit": {"POST": RUN_EXPERTISE},
    "expertise.reopen": {"POST": RUN_EXPERTISE},
    "expertise.checklist_document": {"GET": (*RUN_EXPERTISE, Role.VIEWER)},
    # Feeds are reached by the token in the path, without a session (the walk passes a valid one).
    "calendar.index": {"GET": SIGNED_IN},
    "calendar.issue_token": {"POST": SIGNED_IN},
    "calendar.reminders": {"POST": SIGNED_IN},
    "calendar.feed": {"GET": PUBLIC},
    "calendar.meeting_event": {"GET": SIGNED_IN},
    "calendar.media_event": {"GET": SIGNED_IN},
    "calendar.decision_event": {"GET": SIGNED_IN},
    "admin.users": {"GET": MANAGE_USERS},
    "admin.create_user": {"GET": MANAGE_USERS, "POST": MANAGE_USERS},
    "admin.edit_user": {"GET": MANAGE_USERS, "POST": MANAGE_USERS},
    "admin.toggle_active": {"POST": MANAGE_USERS},
    "admin.reset_password": {"POST": MANAGE_USERS},
    "admin.audit": {"GET": MANAGE_USERS},
    "admin.deleted_meetings": {"GET": MANAGE_USERS},
    "admin.restore_meeting": {"POST": MANAGE_USERS},
}


def url_arguments(ids: dict) -> dict[str, object]:
    """Values for every URL variable name used by the app's routes."""
    return {
        "filename": "css/app.css",
        "kind": "people",
        "entry_id": ids["person"],
        "council_id": ids["council"],
        "member_id": ids["member"],
        "user_id": ids["user"],
        "meeting_id": ids["meeting"],
        "number": 1,
        "attendance_id": ids["attendance"],
        "item_id": ids["agenda_item"],
        "decision_id": ids["decision"],
        "section": "decisions",  # a meeting page's section whose rows are removed and moved alike
        "row_id": ids["decision"],
        "material_id": ids["material"],
        "direction": "down",
        "ext": "docx",  # the PDF variants convert with LibreOffice: tests/documents walks them
        "document_kind": "protocol_short",
        "plan_id": ids["media_plan"],
        "event_id": ids["media_event"],
        "publication_id": ids["publication"],
        "organization_id": ids["organization"],
        "participant_id": ids["participant"],
        "programme_id": ids["programme"],
        "version_id": ids["checklist_version"],
        "section_id": ids["checklist_section"],
        "criterion_id": ids["criterion"],
        "session_id": ids["expert_session"],
        "assessment_id": ids["assessment"],
        "token": ids["calendar_token"],
        "slug": "all",
        "import_id": ids["protocol_import"],
    }


@pytest.fixture
def ids(app, ctx):
    seed()
    from sqlalchemy import select

    from cluster_intranet.auth.models import User
    from cluster_intranet.councils.models import Council, CouncilMember
    from cluster_intranet.decisions.models import Decision
    from cluster_intranet.directory.models import Person
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings import services as meeting_services
    from cluster_intranet.meetings.models import AgendaItem, Attendance, Meeting
    from cluster_intranet.media.models import MediaParticipant, Publication

    found = {
        "person": db.session.scalar(select(Person.id).order_by(Person.id.desc())),
        "council": db.session.scalar(select(Council.id)),
        "member": db.session.scalar(select(CouncilMember.id)),
        "user": db.session.scalar(select(User.id)),
        # The seed protocol is approved; walk a draft one, whose forms accept changes.
        "meeting": db.session.scalar(select(Meeting.id).where(Meeting.number == 1, Meeting.year == 2027)),
        "attendance": db.session.scalar(select(Attendance.id)),
        "agenda_item": db.session.scalar(select(AgendaItem.id)),
        # One with a deadline (it has a calendar event), the same on every database.
        "decision": db.session.scalar(select(Decision.id).where(Decision.deadline.is_not(None)).order_by(Decision.id)),
        # An event with publications: deleting it is refused, so the walk goes on with it.
        "publication": (publication := db.session.scalars(select(Publication).order_by(Publication.id)).first()).id,
        "media_event": publication.event_id,
        "media_plan": publication.event.plan_id,
        "organization": publication.organization_id,
        # The last participant: removing it (admin, secretary) leaves the others for the walk.
        "participant": db.session.scalar(select(MediaParticipant.id).order_by(MediaParticipant.id.desc())),
    }
    # The completed demo expert session (see the comment in MATRIX).
    from cluster_intranet.expertise.models import ExpertSession

    done = db.session.scalar(select(ExpertSession).where(ExpertSession.status == "completed"))
    found.update(
        expert_session=done.id,
        programme=done.programme_id,
        checklist_version=done.checklist_version_id,
        checklist_section=done.checklist_version.sections[0].id,
        criterion=done.checklist_version.sections[0].criteria[0].id,
        assessment=done.assessments[0].id,
    )
    # Approved once and reopened: it has a kept version and still accepts changes.
    draft = db.session.get(Meeting, found["meeting"])
    approver = db.session.scalar(select(User))
    meeting_services.approve(draft, approver)
    meeting_services.reopen(draft, approver, "для проверки")
    # Held already: the walk's empty POST approves it (approval waits for the meeting's day), so
    # the walk's «delete» that follows is refused and the meeting stays for the routes after it.
    from datetime import date

    draft.date = date(2026, 2, 18)
    # Version 1 of an uploaded template, to download and re-activate.
    from cluster_intranet.documents import library, services as document_services

    document_services.upload_template(
        "protocol_short", "protocol.docx", library.default_template("protocol_short"), approver
    )
    # A feed token of the first user: the walkers POST /calendar/token for themselves, so it stays valid.
    from cluster_intranet.calendar import services as calendar_services

    found["calendar_token"] = calendar_services.issue_token(approver)
    # The original file of an imported protocol, a material of the draft meeting.
    from cluster_intranet.materials import services as material_services

    kept = material_services.keep_protocol("протокол.txt", "ПРОТОКОЛ".encode(), ["ПРОТОКОЛ"], approver, None)
    material_services.attach_protocol(kept, draft)
    found["protocol_import"] = kept.id
    # A material of the walked meeting (deleted by the walk's last route of the area).

    found["material"] = material_services.add_material(
        draft,
        title="Справка",
        agenda_item_id=None,
        filename="Справка.pdf",
        data=b"%PDF-1.4\n%%EOF\n",
        user=approver,
        max_size=1024,
        directory=None,
    ).id
    db.session.commit()
    return found


def routes(app):
    # Signing out last, so the walk goes on signed in.
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout"):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_matrix(app):
    missing = [
        f"{rule.endpoint} {method}" for rule, method in routes(app) if method not in MATRIX.get(rule.endpoint, {})
    ]
    assert missing == [], "add these routes to MATRIX in tests/test_access.py"


def expected(who_may, role) -> int:
    if who_may == PUBLIC:
        return 200
    if role is None:
        return 302
    if who_may == SIGNED_IN or role == Role.ADMIN or role in who_may:
        return 200
    return 403


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_role_matrix(app, ids, login_as, role):
    app.config["BENCH_ROUTES"] = True
    client = login_as(role, f"walker-{role.value}@cluster.test") if role else app.test_client()
    failures = []
    try:
        for rule, method in routes(app):
            who_may = MATRIX[rule.endpoint][method]
            url = app.url_for(rule.endpoint, **{k: v for k, v in url_arguments(ids).items() if k in rule.arguments})
            # A POST is sent empty: a permitted one answers a validation message, never 302/403/500.
            response = client.open(url, method=method, data={})
            response.close()
            got = response.status_code
            want = expected(who_may, role)
            allowed = {200, 303, 400, 409, 422} if want == 200 else {want}
            if method == "POST" and rule.endpoint == "auth.logout" and want == 200:
                allowed = {303}
            if rule.endpoint == "auth.login" and role is not None:
                allowed = {200, 302, 303, 422}
            if got not in allowed or (want == 302 and "/login" not in response.location):
                failures.append(f"{method} {url}: {got}, expected {want}")
    finally:
        app.config["BENCH_ROUTES"] = False
    assert failures == []


# --- hostile values in every path segment and query argument -----------------------------

HUGE_ID = str(2**64 + 7)  # above BIGINT: no driver may be asked to bind it
BEYOND_INTEGER = str(2**31)  # above PostgreSQL's INTEGER, the type of every id: "integer out of range"
HOSTILE = [
    HUGE_ID,
    "-" + HUGE_ID,
    BEYOND_INTEGER,
    "²",
    "a\x00b",
    "1\r\n2",
    "\t1",
    "1%0d%0a",
]  # "²".isdigit(), int("²") fails


def query_names() -> list[str]:
    """Every query argument the app reads (found in its code, so a new one is covered)."""
    import re
    from pathlib import Path

    import cluster_intranet

    names = {"page", "q", "next"}
    for path in Path(cluster_intranet.__file__).parent.rglob("*.py"):
        names |= set(re.findall(r"""args\.get(?:list)?\(\s*["'](\w+)["']""", path.read_text(encoding="utf-8")))
        names |= set(re.findall(r"""number\(\s*["'](\w+)["']\)""", path.read_text(encoding="utf-8")))
    return sorted(names)


def _hostile_urls(app, ids):
    """(method, url) for every route: each path segment in turn replaced by each hostile
    value, and every query argument the app reads set to each hostile value."""
    from urllib.parse import quote, urlencode

    arguments = url_arguments(ids)
    names = query_names()
    for rule, method in routes(app):
        if rule.endpoint in {"static", "auth.logout"}:
            continue
        url = app.url_for(rule.endpoint, **{k: v for k, v in arguments.items() if k in rule.arguments})
        segments = url.split("/")
        for index in range(1, len(segments)):
            for value in HOSTILE:
                yield method, "/".join([*segments[:index], quote(value, safe="%"), *segments[index + 1 :]])
        if method == "GET":
            for value in HOSTILE:
                yield method, url + "?" + urlencode({name: value for name in names})


@pytest.mark.parametrize("role", [None, Role.ADMIN], ids=["anonymous", "admin"])
def test_hostile_values_never_answer_5xx(app, ids, login_as, role):
    client = login_as(role, "hostile@cluster.test") if role else app.test_client()
    failures = []
    for method, url in _hostile_urls(app, ids):
        response = client.open(url, method=method, data={})
        response.close()
        if response.status_code >= 500:
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
