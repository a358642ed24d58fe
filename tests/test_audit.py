"""The audit log records who changed what, old and new values; deleted protocols come back."""

import re
from datetime import date

from sqlalchemy import select

from cluster_intranet.audit.models import AuditEntry
from cluster_intranet.auth.roles import Role
from cluster_intranet.extensions import db
from cluster_intranet.meetings import builders as meetings
from tests import factories


def _entries(table):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.id)).all()


def test_changes_are_recorded_with_user_and_values(app, login_as, ctx):
    client = login_as(Role.SECRETARY, "sec@cluster.test")
    person = factories.person(surname="Беляев", position="директор")
    db.session.commit()
    person_id = person.id
    response = client.hx(
        "post",
        f"/directory/people/{person_id}/edit",
        data={
            "surname": "Беляев",
            "first_name": "Иван",
            "patronymic": "Иванович",
            "organization_id": "",
            "position": "генеральный директор",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 200
    update = _entries("people")[-1]
    assert update.action == "update" and update.user.email == "sec@cluster.test"
    assert update.changes == {"position": ["директор", "генеральный директор"]}
    assert client.hx("post", f"/directory/people/{person_id}/delete").status_code == 200
    deleted = _entries("people")[-1]
    assert deleted.action == "delete" and deleted.row_id == person_id and deleted.changes["surname"] == ["Беляев", None]


def test_refused_change_leaves_no_entry(app, secretary, ctx):
    org = factories.organization()
    factories.person(organization=org)
    db.session.commit()
    before = len(_entries("organizations"))
    assert secretary.hx("post", f"/directory/organizations/{org.id}/delete").status_code == 409
    assert len(_entries("organizations")) == before


def test_passwords_are_never_copied_into_the_log(app, admin, ctx):
    response = admin.post(
        "/admin/users/new",
        data={"email": "new@example.ru", "role": "viewer", "person_id": 0, "password": "long-password-1"},
    )
    assert response.status_code == 303
    created = _entries("users")[-1]
    assert created.changes["password_hash"] == [None, "***"]
    assert "long-password-1" not in str(created.changes)


def test_admin_audit_page_filters(app, admin, ctx):
    factories.person(surname="Журналов")
    db.session.commit()
    page = admin.get("/admin/audit?table=people&action=create").get_data(as_text=True)
    assert "Журналов" in page
    assert "Журналов" not in admin.hx("get", "/admin/audit?table=meetings").get_data(as_text=True)


def test_admin_restores_a_deleted_protocol(app, admin, ctx):
    council = factories.council()
    meeting = meetings.meeting(council, date(2026, 3, 1), number=5)
    db.session.commit()
    assert admin.post(f"/meetings/{meeting.id}/delete").status_code == 303
    assert "Протокол № 5" in admin.get("/admin/deleted-meetings").get_data(as_text=True)
    assert admin.post(f"/admin/deleted-meetings/{meeting.id}/restore").status_code == 303
    assert admin.get(f"/meetings/{meeting.id}").status_code == 200
    actions = [(e.action, e.changes.get("deleted_at", [None, None])[1] is None) for e in _entries("meetings")]
    assert actions[-2][0] == "update" and actions[-1] == ("update", True)


def test_the_log_reads_as_the_pages_do_and_hides_sign_ins(app, login_as, ctx):
    """Russian names of tables and fields, values as pages show them, Tomsk time, «было → стало»,
    the author by name; sign-ins only on request."""
    from cluster_intranet.auth.services import create_user
    from tests.decisions import support

    person = factories.person(surname="Жарких", first_name="Елена", patronymic="Викторовна")
    create_user("zh@cluster.test", "test-password-1", Role.SECRETARY, person.id)
    meeting = support.meeting(status="planned")
    decision = support.decision(meeting, person, deadline=date(2021, 12, 1))
    db.session.commit()
    client = app.test_client()
    client.login("zh@cluster.test")
    client.hx(
        "post", f"/decisions/{decision.id}/status", data={**support.status_data(decision, "in_progress"), "comment": ""}
    )
    admin = login_as(Role.ADMIN, "root@cluster.test")
    page = admin.get("/admin/audit").get_data(as_text=True)
    entry = next(e for e in page.split('class="audit-entry')[1:] if "изменение: решения" in e)
    assert "Жарких Е.В." in entry and "zh@cluster.test" not in entry
    assert "изменение: решения № " in entry
    assert "<dt>статус</dt>" in entry and '<del>Открыто</del> → <span class="text-muted">стало</span> В работе' in entry
    assert "last_login_at" not in page and "последний вход" not in page  # the sign-ins are hidden
    with_logins = admin.get("/admin/audit?logins=1").get_data(as_text=True)
    assert "<dt>последний вход</dt>" in with_logins
    assert re.search(r"стало</span> \d\d\.\d\d\.\d{4} \d\d:\d\d</dd>", with_logins)  # not ISO, not UTC
    assert "password_hash" not in with_logins and "&lt;User" not in with_logins


def test_a_reference_reads_as_the_name_of_what_it_refers_to(app, login_as, ctx):
    """«сотрудник: было — → стало Жарких Е.В.», not «стало 12»; the account by its role's label;
    a row deleted since reads «№ id»."""
    from cluster_intranet.auth.services import create_user

    person = factories.person(surname="Жарких", first_name="Елена", patronymic="Викторовна")
    gone = factories.person(surname="Ушедший")
    user = create_user("linked@cluster.test", "test-password-1", Role.EDITOR)
    db.session.commit()
    admin = login_as(Role.ADMIN, "root@cluster.test")
    for person_id in (gone.id, person.id):
        answer = admin.post(
            f"/admin/users/{user.id}", data={"email": user.email, "role": "editor", "person_id": person_id}
        )
        assert answer.status_code == 303, answer.get_data(as_text=True)
    db.session.delete(db.session.get(type(gone), gone.id))
    db.session.commit()
    page = admin.get("/admin/audit?table=users").get_data(as_text=True)
    entries = [e for e in page.split('class="audit-entry')[1:] if "<dt>сотрудник</dt>" in e]
    assert "стало</span> Жарких Е.В.</dd>" in entries[0]
    assert f"<del>№ {gone.id}</del>" in entries[0] and f"стало</span> № {gone.id}</dd>" in entries[1]
    assert "linked@cluster.test (Редактор медиаплана)" in entries[0]
    assert "linked@cluster.test editor" not in page


def test_a_new_row_of_a_model_without_a_repr_shows_no_python_internals(app, login_as, ctx):
    """A council member added: its entry lists the council, the person and the role, not
    «(pending 139622100133648)», the repr Flask-SQLAlchemy writes for a new row."""
    from cluster_intranet.councils.models import CouncilMember

    council = factories.council(name="Экспертный совет")
    member = CouncilMember(
        council=council,
        person=factories.person(surname="Пояркова", first_name="Ольга", patronymic="Н."),
        role="member",
        position=1,
    )
    db.session.add(member)
    db.session.commit()
    entry = _entries("council_members")[-1]
    assert re.fullmatch(r"<\w+ \(pending \d+\)>", entry.summary)  # what is stored
    page = login_as(Role.ADMIN, "root@cluster.test").get("/admin/audit?table=council_members").get_data(as_text=True)
    assert "pending" not in page
    assert "<dd>Экспертный совет</dd>" in page and "<dd>Пояркова О.Н.</dd>" in page


def test_an_entry_names_its_row_as_the_pages_do(app, login_as, ctx):
    """A meeting's entries read «Заседание 18.02.2027» (its heading now), not «1 №1/2027»."""
    from tests.decisions import support

    meeting = support.meeting(on=date(2027, 2, 18), status="planned")
    db.session.commit()
    assert _entries("meetings")[-1].summary.startswith("<Meeting ")
    page = login_as(Role.ADMIN, "root@cluster.test").get("/admin/audit?table=meetings").get_data(as_text=True)
    entry = page.split(f'id="audit-{_entries("meetings")[-1].id}"', 1)[1].split("</li>", 1)[0]
    assert '<div class="small">Заседание 18.02.2027</div>' in entry
    assert f"{meeting.council_id} №" not in entry


def test_a_row_without_a_name_of_its_own_shows_no_bare_number(app, login_as, ctx):
    """An agenda item (no repr of its own, «<AgendaItem 8>» when read back): its entry shows
    no «8» line; its fields say what it is."""
    from cluster_intranet.meetings.models import AgendaItem
    from tests.decisions import support

    meeting = support.meeting(on=date(2027, 2, 18), status="planned")
    db.session.add(AgendaItem(meeting=meeting, position=1, text="Проверочный вопрос"))
    db.session.commit()
    entry_id = _entries("agenda_items")[-1].id
    page = login_as(Role.ADMIN, "root@cluster.test").get("/admin/audit?table=agenda_items").get_data(as_text=True)
    entry = page.split(f'id="audit-{entry_id}"', 1)[1].split("</li>", 1)[0]
    assert '<div class="small">' not in entry.split("<dl", 1)[0]
    assert "<dd>Заседание 18.02.2027</dd>" in entry and "<dd>Проверочный вопрос</dd>" in entry


def test_a_decision_reads_as_its_number_and_text(app, login_as, ctx):
    """«Решение 2: Утвердить план работы кластера на 2027 год…», not «1.2» (meeting id and number)."""
    from tests.decisions import support

    meeting = support.meeting(on=date(2027, 2, 18), status="planned")
    support.decision(meeting, text="Первое поручение")
    support.decision(
        meeting, text="Утвердить план работы промышленного образовательно-отраслевого кластера на 2027 год"
    )
    db.session.commit()
    entry_id = _entries("decisions")[-1].id
    page = login_as(Role.ADMIN, "root@cluster.test").get("/admin/audit?table=decisions").get_data(as_text=True)
    entry = page.split(f'id="audit-{entry_id}"', 1)[1].split("</li>", 1)[0]
    assert '<div class="small">Решение 2: Утвердить план работы промышленного…</div>' in entry
    assert f"{meeting.id}.2" not in entry


def test_a_persons_job_reads_as_a_position_and_derived_columns_are_left_out(app, login_as, ctx):
    """A person added through the directory: «должность ведущий инженер», not «порядок» (the
    order of a list's rows, the other tables' «position»), and no «sort_name» (the name folded
    for sorting, derived like search_text)."""
    client = login_as(Role.SECRETARY, "sec@cluster.test")
    data = {"surname": "Григорьев", "first_name": "Павел", "patronymic": "Николаевич", "organization_id": "",
            "position": "ведущий инженер", "email": "", "phone": ""}  # fmt: skip
    assert client.hx("post", "/directory/people/new", data=data).status_code == 200
    created = _entries("people")[-1]
    assert created.action == "create" and "sort_name" not in created.changes
    admin = login_as(Role.ADMIN, "root@cluster.test")
    page = admin.get("/admin/audit").get_data(as_text=True)
    entry = next(e for e in page.split('class="audit-entry')[1:] if "создание: сотрудники" in e)
    assert "<dt>должность</dt>" in entry and "ведущий инженер" in entry
    assert "порядок" not in entry and "sort_name" not in entry


def test_a_new_row_lists_what_it_was_made_with_without_was_and_now(app, login_as, ctx):
    """«создание: сотрудники»: each field with its value — not «стало ведущий инженер», as if
    something had been there before."""
    client = login_as(Role.SECRETARY, "sec@cluster.test")
    data = {"surname": "Григорьев", "first_name": "Павел", "patronymic": "Николаевич", "organization_id": "",
            "position": "ведущий инженер", "email": "", "phone": ""}  # fmt: skip
    assert client.hx("post", "/directory/people/new", data=data).status_code == 200
    created = _entries("people")[-1].id
    page = login_as(Role.ADMIN, "root@cluster.test").get("/admin/audit?table=people").get_data(as_text=True)
    entry = page.split(f'id="audit-{created}"', 1)[1].split("</li>", 1)[0]
    assert "создание: сотрудники" in entry
    assert "<dt>фамилия</dt>" in entry and "<dd>Григорьев</dd>" in entry and "<dd>ведущий инженер</dd>" in entry
    assert "стало" not in entry and "было" not in entry
