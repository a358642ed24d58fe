"""Security headers, login rate limiting, CSRF on HTMX requests."""
import os

import pytest

from cluster_intranet import create_app
from cluster_intranet.auth.roles import Role
from cluster_intranet.extensions import limiter
from tests.conftest import PASSWORD, Client, make_user


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
    storage = os.environ.get("TEST_REDIS_URL", "memory://")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": database_url, "SERVER_NAME": "intranet.test",
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage, "LOGIN_RATE_LIMIT": "3 per minute",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    app.test_client_class = Client
    limiter.reset()
    yield app
    limiter.reset()
    limiter.enabled = False  # the limiter object is shared with the suite's app, where it is off


def test_login_is_rate_limited(limited_app, app, ctx):
    make_user(Role.VIEWER, "v@cluster.test")
    client = limited_app.test_client()
    statuses = [client.post("/login", data={"email": "v@cluster.test", "password": "wrong"}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    blocked = client.post("/login", data={"email": "v@cluster.test", "password": PASSWORD})
    assert blocked.status_code == 429 and "Слишком много попыток" in blocked.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/directory/people/suggest?q=a%00b", "/directory/people?q=%00", "/meetings/%00",
                                 "/directory/people?a%00=1"])
def test_nul_bytes_are_refused_not_taken_for_an_outage(app, viewer, url):
    response = viewer.get(url)
    assert response.status_code in {400, 404}
    assert "База данных не отвечает" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/meetings/99999999999999999999999", "/meetings/?page=99999999999999999999999",
                                 "/decisions/?person=99999999999999999999999", "/calendar/meetings/18446744073709551616.ics"])
def test_ids_above_bigint_answer_404_or_the_page(app, viewer, url):
    assert viewer.get(url).status_code in {200, 404}
