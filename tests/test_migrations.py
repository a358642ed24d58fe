"""The schema comes from Alembic migrations only, and they match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from cluster_intranet.auth.models import User
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.search import contains_text, include_name


# Rows of an old schema are written as SQL: the session's listeners write tables of today's
# (feed_changes), which an old schema does not have.


def insert_person(surname: str, first_name: str, search_text: str, patronymic: str = "", position: str = "") -> int:
    """A row of people as every schema since 0001 has it; its id."""
    db.session.execute(
        text(
            "INSERT INTO people (surname, first_name, patronymic, position, email, phone, search_text, "
            "version, created_at, updated_at) VALUES (:surname, :first_name, :patronymic, :position, '', '', "
            ":search_text, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {
            "surname": surname,
            "first_name": first_name,
            "patronymic": patronymic,
            "position": position,
            "search_text": search_text,
        },
    )
    return db.session.scalar(text("SELECT max(id) FROM people"))


def insert_user(email: str, person_id: int, role: str = "viewer") -> int:
    """A row of users (active) as the schemas 0013 to 0031 have it; its id."""
    db.session.execute(
        text(
            "INSERT INTO users (email, password_hash, role, active, person_id, session_generation, "
            "created_at, updated_at) VALUES (:email, '!', :role, :active, :person, 1, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"email": email, "role": role, "active": True, "person": person_id},
    )
    return db.session.scalar(text("SELECT max(id) FROM users"))


def test_migrations_match_the_models(app, ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_run_down_to_empty_and_up_again(app, ctx):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"users", "people", "organizations", "councils"} <= set(inspect(db.engine).get_table_names())


def test_the_search_text_of_existing_rows_gets_e_for_yo(app, ctx):
    """0013: rows written before it are found by «ковалев» too, through the trigram index."""
    downgrade(revision="0012_search_indexes")
    insert_person("Ковалёв", "Пётр", search_text="ковалёв пётр")
    db.session.commit()
    upgrade()
    assert db.session.scalar(select(Person.search_text)) == "ковалев петр"
    assert db.session.scalars(select(Person.surname).where(contains_text(Person, "ковалев"))).all() == ["Ковалёв"]


def test_one_account_per_person(app, ctx):
    """0014: of two accounts linked to one person the oldest keeps it; then the database refuses a second link."""
    downgrade(revision="0013_search_yo")
    person_id = insert_person("Иванов", "Иван", search_text="иванов иван")
    first_id = insert_user("u1@cluster.test", person_id)
    second_id = insert_user("u2@cluster.test", person_id)
    db.session.commit()  # the reads' transaction ends too: PostgreSQL's DROP TABLE (0030) waits on users for it
    upgrade()
    db.session.expire_all()
    assert db.session.get(User, first_id).person_id == person_id and db.session.get(User, second_id).person_id is None
    db.session.get(User, second_id).person_id = person_id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_protocol_imports_move_into_the_materials_storage(app, ctx, tmp_path, monkeypatch):
    """0030: an upload under review becomes a version of no material, its lines kept; the
    original of an imported protocol its meeting's material «Исходный файл протокола»;
    protocol_imports is dropped. Down again, both come back — a file kept in MATERIALS_DIR
    by then with its bytes read from there."""
    from datetime import date

    from cluster_intranet.materials.models import Material, MaterialVersion
    from cluster_intranet.meetings.models import Meeting
    from tests import factories

    downgrade(revision="0029_decision_term")
    meeting = Meeting(council=factories.council(), number=1, year=2021, date=date(2021, 11, 17))  # meetings as in 0029
    db.session.add(meeting)
    db.session.commit()
    meeting_id = meeting.id
    insert = text(
        "INSERT INTO protocol_imports (created_at, filename, size, content, lines, meeting_id, confirmed_at) "
        "VALUES (CURRENT_TIMESTAMP, :filename, :size, :content, :lines, :meeting, :confirmed)"
    )
    for filename, meeting, confirmed in (
        ("на проверке.docx", None, None),
        ("протокол.rtf", meeting_id, "2021-11-20 10:00:00"),
    ):
        db.session.execute(
            insert,
            {
                "filename": filename,
                "size": 3,
                "content": b"abc",
                "lines": '["ПРОТОКОЛ № 1"]',
                "meeting": meeting,
                "confirmed": confirmed,
            },
        )
    db.session.commit()
    upgrade()
    db.session.expire_all()
    assert "protocol_imports" not in inspect(db.engine).get_table_names()
    pending, original = db.session.scalars(select(MaterialVersion).order_by(MaterialVersion.id)).all()
    assert (pending.material_id, pending.filename, pending.kind, pending.lines) == (
        None,
        "на проверке.docx",
        "docx",
        ["ПРОТОКОЛ № 1"],
    )
    assert (original.meeting_id, original.kind, original.content, original.size) == (meeting_id, "rtf", b"abc", 3)
    material = db.session.get(Material, original.material_id)
    assert (material.title, material.protocol_original, material.meeting_id) == (
        "Исходный файл протокола",
        True,
        meeting_id,
    )
    # The pending upload's file moves to MATERIALS_DIR, as the storage writes it there.
    stored = tmp_path / pending.sha256[:2] / pending.sha256
    stored.parent.mkdir()
    stored.write_bytes(b"from the directory")
    monkeypatch.setitem(app.config, "MATERIALS_DIR", str(tmp_path))
    db.session.execute(text("UPDATE material_versions SET content = NULL WHERE id = :id"), {"id": pending.id})
    db.session.commit()  # the reads' transaction ends too: PostgreSQL's ALTER TABLE waits for it

    downgrade(revision="0029_decision_term")
    rows = db.session.execute(text("SELECT filename, meeting_id, content FROM protocol_imports ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        ("на проверке.docx", None, b"from the directory"),
        ("протокол.rtf", meeting_id, b"abc"),
    ]
    assert db.session.scalar(text("SELECT count(*) FROM materials")) == 0
    db.session.rollback()
    upgrade()


def test_an_approved_media_plan_keeps_its_approvers_position(app, ctx):
    """0031: a plan approved before it gets the approver's position of that day; «УТВЕРЖДАЮ» keeps it from then on."""
    from cluster_intranet.media.models import MediaPlan

    downgrade(revision="0030_imports_in_materials")
    chair = insert_person("Беляев", "Евгений", search_text="беляев евгений", position="Председатель совета")
    insert_user("chair@cluster.test", chair, role="secretary")
    for title, approver in (("Утверждённый", "(SELECT max(id) FROM users)"), ("Черновик", "NULL")):
        db.session.execute(text("INSERT INTO media_plans (title, period_start, period_end, status, approved_by_id, "
                                "approved_by_name, version, created_at, updated_at) VALUES (:title, '2023-01-01', "
                                f"'2023-12-31', 'approved', {approver}, 'Беляев Е.', 1, CURRENT_TIMESTAMP, "
                                "CURRENT_TIMESTAMP)"), {"title": title})  # fmt: skip
    db.session.commit()
    upgrade()
    db.session.expire_all()
    positions = dict(db.session.execute(select(MediaPlan.title, MediaPlan.approved_by_position)).all())
    assert positions == {"Утверждённый": "Председатель совета", "Черновик": ""}


def test_existing_organisations_get_their_genitive(app, ctx):
    """0023: the genitive proposed for an organisation written before it (a quoted name stays as it is)."""
    department = "Департамент промышленности и энергетики Администрации Томской области"
    downgrade(revision="0022_feed_changes")
    db.session.execute(
        text(
            "INSERT INTO organizations (short_name, full_name, kind, website, city, search_text, version, "
            "created_at, updated_at) VALUES (:name, '', 'authority', '', '', '', 1, CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP), ('ОГБПОУ «Томский индустриальный техникум»', '', 'college', '', '', '', 1, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"name": department},
    )
    db.session.commit()
    upgrade()
    rows = dict(db.session.execute(select(Organization.short_name, Organization.name_genitive)).all())
    assert rows == {
        department: "Департамента промышленности и энергетики Администрации Томской области",
        "ОГБПОУ «Томский индустриальный техникум»": "ОГБПОУ «Томский индустриальный техникум»",
    }


def test_existing_people_get_their_sort_name(app, ctx):
    """0025: the name as lists sort it, «ё» as «е»."""
    downgrade(revision="0024_protocol_parts_versions")
    insert_person("Ёлкин", "Пётр", patronymic="Ильич", search_text="елкин петр ильич")
    db.session.commit()
    upgrade()
    assert db.session.scalar(select(Person.sort_name)) == "елкин петр ильич"


def test_paper_checklists_lose_their_changed_by_marks(app, ctx):
    """0034: a checklist the expert sent gets that sending as the expert's; one only the
    secretary sent (entered from paper) has no answer marked «changed by» any more; one
    returned keeps its marks (it was sent before, perhaps by the expert)."""
    import datetime as dt

    from cluster_intranet.expertise import builders
    from cluster_intranet.expertise.models import Answer, Assessment
    from tests.expertise.conftest import build_session

    session, assigned = build_session(experts=3)
    sent = dt.datetime(2021, 12, 3, 8, 30, tzinfo=dt.UTC)
    by_expert, paper, returned = (assessment for assessment, _ in assigned)
    for assessment in (by_expert, paper, returned):
        builders.answer_all(assessment, session.checklist_version.criteria)
    by_expert.submitted_at = paper.submitted_at = returned.reopened_at = sent
    paper.submitted_by_name = returned.submitted_by_name = "секретарь Петрова А.А."
    db.session.commit()
    downgrade(revision="0033_drop_decision_stats_stamp")
    db.session.execute(text("UPDATE expert_answers SET changed_by_name = 'секретарь Петрова А.А.'"))
    db.session.commit()
    upgrade()
    db.session.expire_all()
    assert db.session.get(Assessment, by_expert.id).expert_submitted_at == sent
    assert db.session.get(Assessment, paper.id).expert_submitted_at is None
    marks = dict(
        db.session.execute(
            select(Answer.assessment_id, Answer.changed_by_name).group_by(Answer.assessment_id, Answer.changed_by_name)
        ).all()
    )
    assert marks == {by_expert.id: "секретарь Петрова А.А.", paper.id: "", returned.id: "секретарь Петрова А.А."}
