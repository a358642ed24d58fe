"""Security headers, login rate limiting, CSRF on HTMX requests."""

import os

import pytest

from cluster_intranet import create_app
from cluster_intranet.auth.roles import Role
from cluster_intranet.extensions import limiter
from tests.conftest import PASSWORD, Client, make_user, worker_redis_url


def test_pages_carry_security_headers(app, viewer):
    response = viewer.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts(app, admin):
    """The CSP would block them: every behaviour lives in static/js/app.js."""
    for path in ("/", "/directory/people", "/meetings/", "/councils/", "/admin/users", "/profile"):
        body = admin.get(path).get_data(as_text=True)
        assert "<script>" not in body and " hx-on" not in body and "onclick=" not in body, path


def test_htmx_post_without_csrf_header_is_refused(app, secretary):
    response = secretary.hx("post", "/directory/people/new", data={"surname": "X", "first_name": "Y"}, csrf=False)
    assert response.status_code == 400


@pytest.fixture
def limited_app(tmp_path, database_url):
    """An app with the login rate limit on: Redis when TEST_REDIS_URL is set (CI), else memory."""
    storage = worker_redis_url(os.environ.get("TEST_REDIS_URL", "memory://"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "DATABASE_URL": database_url,
            "SERVER_NAME": "intranet.test",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.test_client_class = Client
    limiter.reset()
    yield app
    limiter.reset()
    limiter.enabled = False  # the limiter object is shared with the suite's app, where it is off


def test_login_is_rate_limited(limited_app, app, ctx):
    make_user(Role.VIEWER, "v@cluster.test")
    client = limited_app.test_client()
    statuses = [
        client.post("/login", data={"email": "v@cluster.test", "password": "wrong"}).status_code for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    blocked = client.post("/login", data={"email": "v@cluster.test", "password": PASSWORD})
    assert blocked.status_code == 429 and "Слишком много попыток" in blocked.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/directory/people/suggest?q=a%00b", "/directory/people?q=%00", "/meetings/%00", "/directory/people?a%00=1"]
)
def test_nul_bytes_are_refused_not_taken_for_an_outage(app, viewer, url):
    response = viewer.get(url)
    assert response.status_code in {400, 404}
    assert "База данных не отвечает" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "number", ["99999999999999999999999", "2147483648"]
)  # above BIGINT; above PostgreSQL's INTEGER
@pytest.mark.parametrize(
    "url",
    [
        "/meetings/{}",
        "/meetings/?page={}",
        "/decisions/?person={}",
        "/calendar/meetings/{}.ics",
        "/directory/people/{}",
        "/meetings/next-number?council_id={}",
    ],
)
def test_ids_out_of_the_integer_range_answer_404_or_the_page(app, viewer, url, number):
    assert viewer.get(url.format(number)).status_code in {200, 404}


def test_login_limit_counts_per_account_and_says_when_to_retry(limited_app, app, ctx):
    """The same account from two addresses shares its count; a colleague behind the same
    address is not locked out by one account's attempts."""
    make_user(Role.VIEWER, "v@cluster.test")
    make_user(Role.VIEWER, "colleague@cluster.test")
    client = limited_app.test_client()
    for n, address in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.3"]):
        response = client.post(
            "/login", data={"email": "V@cluster.test ", "password": "wrong"}, environ_base={"REMOTE_ADDR": address}
        )
        assert response.status_code == 422, n
    blocked = client.post(
        "/login", data={"email": "v@cluster.test", "password": "wrong"}, environ_base={"REMOTE_ADDR": "10.0.0.4"}
    )
    assert blocked.status_code == 429 and 0 < int(blocked.headers["Retry-After"]) <= 60
    colleague = client.post(
        "/login",
        data={"email": "colleague@cluster.test", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert colleague.status_code == 303


def test_login_limit_per_address_stops_trying_many_accounts(limited_app, app, ctx):
    limited_app.config["LOGIN_IP_RATE_LIMIT"] = "5 per minute"
    client = limited_app.test_client()
    statuses = [
        client.post("/login", data={"email": f"u{n}@cluster.test", "password": "wrong"}).status_code for n in range(6)
    ]
    assert statuses == [422] * 5 + [429]


def test_gunicorn_config_refuses_memory_counters_with_several_workers(limited_app):
    import logging
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    config = runpy.run_path(str(Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"))
    check = config["post_worker_init"]

    def worker(workers: int, storage: str):
        limited_app.config["RATELIMIT_STORAGE_URI"] = storage
        return SimpleNamespace(wsgi=limited_app, cfg=SimpleNamespace(workers=workers), log=logging.getLogger("test"))

    with pytest.raises(SystemExit) as refused:
        check(worker(4, "memory://"))
    assert refused.value.code == 3
    check(worker(1, "memory://"))  # one process counts alone: allowed
    check(worker(4, "redis://127.0.0.1:6379/0"))


@pytest.mark.parametrize("name", ["Спра\x00вка", "\tСпра\x1fвка\x7f"])
def test_control_characters_in_an_uploaded_files_name_are_dropped(app, admin, ctx, name):
    """A file's name is input too: NUL (PostgreSQL refuses it) and the other control
    characters are dropped from it wherever files are uploaded (a material, a protocol to
    import, a template)."""
    import io

    from sqlalchemy import select

    from cluster_intranet.demo import seed
    from cluster_intranet.documents.library import DEFAULT_TEMPLATES
    from cluster_intranet.documents.models import DocumentTemplate
    from cluster_intranet.extensions import db
    from cluster_intranet.materials.models import Material, MaterialVersion
    from cluster_intranet.meetings.models import Meeting
    from tests.materials.test_materials import PDF, upload

    seed()
    db.session.commit()
    meeting = db.session.scalar(select(Meeting).where(Meeting.year == 2027))
    assert upload(admin, meeting.id, name + ".pdf", PDF, hx=False, title="").status_code == 303
    material = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id).order_by(Material.id.desc()))
    assert (material.title, material.current.filename) == ("Справка", "Справка.pdf")
    imported = admin.post(
        "/meetings/import",
        data={"files": [(io.BytesIO("ПРОТОКОЛ № 1".encode()), name + ".txt")], "text": ""},
        content_type="multipart/form-data",
    )
    assert imported.status_code in {200, 303, 422}
    assert "Справка.txt" in set(db.session.scalars(select(MaterialVersion.filename)))
    template = (DEFAULT_TEMPLATES / "protocol_short.docx").read_bytes()
    uploaded = admin.post(
        "/documents/templates/protocol_short",
        data={"file": (io.BytesIO(template), name + ".docx")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code in {303, 422}
    assert "Справка.docx" in set(db.session.scalars(select(DocumentTemplate.filename)))


def test_signing_in_goes_on_while_the_counters_storage_is_down(limited_app, app, ctx):
    """Redis stopped: sign-ins are still answered (every one was a 500) and still counted,
    in the process's memory until Redis is back."""
    from bench.server import free_port

    from cluster_intranet.extensions import limiter

    make_user(Role.VIEWER, "v@cluster.test")
    down = create_app({**limited_app.config, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"})
    down.test_client_class = Client
    limiter.enabled = True
    try:
        client = down.test_client()
        statuses = [
            client.post("/login", data={"email": "v@cluster.test", "password": "wrong"}).status_code for _ in range(4)
        ]
        assert statuses == [422, 422, 422, 429]
        assert down.test_client().login("v@cluster.test").status_code == 429  # the account's count
    finally:
        limiter.init_app(limited_app)  # the one limiter object: back to the storage that answers
