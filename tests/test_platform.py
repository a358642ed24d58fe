"""The app factory, configuration, CLI and demo data."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cluster_intranet import clock, create_app
from cluster_intranet.auth.models import User
from cluster_intranet.councils.models import Council
from cluster_intranet.documents.library import DEFAULT_TEMPLATES
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.main.routes import greeting


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"PRODUCTION": True})


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "x.sqlite"))
    monkeypatch.setenv("TIMEZONE", "Asia/Novosibirsk")
    app = create_app({"SECRET_KEY": "k"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")
    assert app.config["TIMEZONE"] == "Asia/Novosibirsk"


def test_database_defaults_to_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "k"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'cluster.sqlite'}"


def _counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Organization, Person, Council, User)
    }


def test_build_templates_writes_every_areas_default_templates(runner, tmp_path):
    """`flask build-templates` rebuilds the protocols', the media plan's and the expertise's
    templates, the same bytes as those committed."""
    result = runner.invoke(args=["build-templates", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted(path.name for path in DEFAULT_TEMPLATES.glob("*.docx"))
    assert sorted(Path(line).name for line in result.output.split()) == written
    for name in written:
        assert (tmp_path / name).read_bytes() == (DEFAULT_TEMPLATES / name).read_bytes(), name


def test_seed_demo_is_idempotent_and_prints_a_fresh_password(app, runner, ctx):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@cluster.local" in first.output
    password = first.output.split("пароль:")[1].split()[0]
    counts = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "пароль" not in second.output
    assert _counts() == counts
    admin = db.session.scalar(select(User).where(User.email == "admin@cluster.local"))
    assert admin.check_password(password)


def test_demo_people_are_named_as_in_the_seed_protocol(app, runner, ctx, seed_text):
    runner.invoke(args=["seed-demo"])
    short_names = set(db.session.scalars(select(Person.surname)))
    for surname in (
        "Беляев",
        "Королева",
        "Бенсон",
        "Елисеев",
        "Криков",
        "Криволапов",
        "Матвеев",
        "Кускова",
        "Змеева",
        "Дрожено",
        "Доронин",
        "Пояркова",
        "Кузнецова",
        "Жарких",
    ):
        assert surname in short_names
        assert surname in seed_text
    for org in db.session.scalars(select(Organization.short_name)):
        if org.startswith(("ООО «Гарантийный", "ОГБПОУ", "МАОУ")):
            assert org in seed_text, org


def test_users_cli_creates_and_lists(app, runner, ctx):
    result = runner.invoke(
        args=["users", "create", "sec@cluster.test", "--role", "secretary", "--password", "secret-pass-1"]
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["users", "list"])
    assert "sec@cluster.test\tsecretary\tактивен" in listed.output
    weak = runner.invoke(args=["users", "create", "x@cluster.test", "--password", "short"])
    assert weak.exit_code != 0 and "не короче" in weak.output
    duplicate = runner.invoke(args=["users", "create", "SEC@cluster.test", "--password", "secret-pass-1"])
    assert duplicate.exit_code != 0 and "уже есть" in duplicate.output


def test_users_cli_prompts_for_password(app, runner, ctx):
    result = runner.invoke(args=["users", "create", "p@cluster.test"], input="prompted-pass-1\nprompted-pass-1\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "p@cluster.test")).check_password("prompted-pass-1")


@pytest.mark.parametrize(
    ("hour", "text"),
    [
        (0, "Доброй ночи"),
        (4, "Доброй ночи"),
        (5, "Доброе утро"),
        (11, "Доброе утро"),
        (12, "Добрый день"),
        (17, "Добрый день"),
        (18, "Добрый вечер"),
        (22, "Добрый вечер"),
        (23, "Доброй ночи"),
    ],
)
def test_the_home_page_greets_as_the_hour_asks(hour, text):
    assert greeting(hour) == text


def test_every_page_has_an_icon(app, viewer):
    page = viewer.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page).group(1)
    with viewer.get(icon) as answer:  # a static file: its response holds the file open
        assert answer.status_code == 200 and answer.mimetype == "image/svg+xml" and b"<svg" in answer.data


def test_demo_protocols_are_approved_by_their_secretary_on_their_own_day(app, runner, ctx, login_as):
    from cluster_intranet.meetings.models import Meeting, MeetingStatus

    runner.invoke(args=["seed-demo"])
    approved = db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.APPROVED.value)).all()
    assert len(approved) == 2
    for meeting in approved:
        assert meeting.approved_by.person == meeting.secretary
        assert meeting.approved_at.astimezone(clock.local_zone()).date() == meeting.date
        assert meeting.versions[-1].approved_at == meeting.approved_at
    seed = next(m for m in approved if m.date.isoformat() == "2021-10-22")
    page = login_as("viewer").get(f"/meetings/{seed.id}").get_data(as_text=True)
    assert "Протокол утверждён 22.10.2021 17:00 (Жарких Е.В.)." in page and "@cluster.local" not in page


def test_the_app_starts_in_a_fresh_interpreter_as_gunicorn_loads_it(tmp_path):
    """wsgi.py imported first, as the server does: an import cycle between the areas
    shows here even when the suite's own imports happen to hide it."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "fresh-interpreter",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
    }
    started = subprocess.run([sys.executable, "-c", "from wsgi import app; print(app.name)"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert started.returncode == 0, started.stderr[-3000:]
    assert started.stdout.strip() == "cluster_intranet"
