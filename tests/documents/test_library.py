"""The template library: uploads checked against the demo data, versions, the reference page."""

from __future__ import annotations

import html
import io
import os
import zipfile

import docx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from cluster_intranet.documents import contexts, library, reference, services
from cluster_intranet.documents.models import DocumentTemplate
from cluster_intranet.extensions import db

from .support import docx_paragraphs, make_docx


def with_marker(kind: str, marker: str) -> bytes:
    """The default template of ``kind`` with a first paragraph of our own."""
    document = docx.Document(io.BytesIO(library.default_template(kind)))
    document.paragraphs[0].insert_paragraph_before(marker + " {{ meeting.number }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, data: bytes, kind: str = "protocol_short", filename: str = "Протокол секретаря.docx", **kwargs):
    return client.post(
        f"/documents/templates/{kind}",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        **kwargs,
    )


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(DocumentTemplate))


def protocol_lines(client, meeting) -> list[str]:
    return docx_paragraphs(client.get(f"/documents/meetings/{meeting.id}/protocol.docx").data)


def test_versions_upload_reactivate_and_default(secretary, demo):
    first, second = with_marker("protocol_short", "ВАРИАНТ А"), with_marker("protocol_short", "ВАРИАНТ Б")

    response = upload(secretary, first)
    assert response.status_code == 303
    assert response.location.endswith("/documents/templates/protocol_short")
    assert protocol_lines(secretary, demo)[0] == "ВАРИАНТ А 2"
    assert upload(secretary, second, filename="v2.docx").status_code == 303
    assert protocol_lines(secretary, demo)[0] == "ВАРИАНТ Б 2"

    versions = services.versions("protocol_short")
    assert [(v.number, v.is_active, v.filename, v.size) for v in versions] == [
        (2, True, "v2.docx", len(second)),
        (1, False, "Протокол секретаря.docx", len(first)),
    ]
    assert versions[0].uploaded_by.email == "secretary@cluster.test"
    page = secretary.get("/documents/templates/protocol_short").get_data(as_text=True)
    assert 'id="template-version-2"' in page and "Протокол секретаря.docx" in page
    assert f" · {(len(second) + 1023) // 1024} КБ</div>" in page  # as the materials write it: not «37.8 КБ»
    listing = secretary.get("/documents/templates/").get_data(as_text=True)
    assert "версия 2 — v2.docx" in listing

    response = secretary.get("/documents/templates/protocol_short/1.docx")
    assert response.data == first
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]

    assert secretary.post("/documents/templates/protocol_short/1/activate").status_code == 303
    assert protocol_lines(secretary, demo)[0] == "ВАРИАНТ А 2"
    assert secretary.post("/documents/templates/protocol_short/default/activate").status_code == 303
    assert protocol_lines(secretary, demo)[0] == "ПРОТОКОЛ № 2"
    assert library.active_template("protocol_short") == library.default_template("protocol_short")
    assert secretary.get("/documents/templates/protocol_short/default.docx").data == library.default_template(
        "protocol_short"
    )
    assert secretary.post("/documents/templates/protocol_short/9/activate").status_code == 404
    assert secretary.get("/documents/templates/nonsense").status_code == 404


def test_the_database_allows_one_active_version_per_kind(app, ctx):
    content = library.default_template("extract")
    db.session.add_all(
        [
            DocumentTemplate(kind="extract", number=n, content=content, size=1, filename="x.docx", is_active=True)
            for n in (1, 2)
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


REFUSED = [
    ("{{ ''.__class__.__mro__ }}", "внутренним объектам Python"),
    ("{{ meeting.__class__.__init__.__globals__ }}", "внутренним объектам Python"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "внутренним объектам Python"),
    ("{{ decisions.append(1) }}", "запрещённый метод «append»"),
    ("{{ 'x' * 1000000000 }}", "слишком большое значение"),
    ("{{ meeting.numbr }}", "нет поля «numbr»"),
    ("{{ chairman.short_name }}", "неизвестная переменная «chairman»"),
    ("{% if meeting.number %}без конца", "не хватает тега {% endif %}"),
    ("{{ meeting.date|ru_dat }}", "неизвестный фильтр «ru_dat»"),
]


@pytest.mark.parametrize("text, message", REFUSED, ids=[m for _, m in REFUSED])
def test_bad_templates_are_refused_with_the_reason(secretary, demo, text, message):
    response = upload(secretary, make_docx("ПРОТОКОЛ", text))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Шаблон не принят." in page and message in page
    assert stored() == 0
    assert protocol_lines(secretary, demo)[0] == "ПРОТОКОЛ № 2"


def test_the_tag_at_fault_is_shown(secretary, app, ctx):
    response = upload(secretary, make_docx("Протокол № {{ meeting.numbr }}"))
    page = html.unescape(response.get_data(as_text=True))
    assert "Место в шаблоне: <code>{{ meeting.numbr }}</code>" in page


def test_a_branch_the_demo_data_skips_is_still_checked(secretary, app, ctx):
    """The full form prints a count instead of the list when attendees_as_count is true:
    an error in that branch must not slip through."""
    text = "{% if attendees_as_count %}{{ attendees_totl }}{% else %}список{% endif %}"
    response = upload(secretary, make_docx(text), kind="protocol_full")
    assert response.status_code == 422 and "attendees_totl" in response.get_data(as_text=True)


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<w:document/>")
        package.writestr("word/media/huge.bin", b"\0" * (51 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Файл пустой"),
        (b"%PDF-1.7 not a Word file", "не является документом Word"),
        (zip_bomb(), "в распакованном виде слишком большой"),
    ],
    ids=["empty", "not-docx", "zip-bomb"],
)
def test_files_that_are_not_templates_are_refused(secretary, app, ctx, content, message):
    response = upload(secretary, content)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert stored() == 0


def test_an_upload_over_10_mb_is_refused(secretary, app, ctx):
    # Encoded here: the test client spools a large multipart body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(os.urandom(10 * 1024 * 1024 + 1)), "big.docx")})
    response = secretary.post(
        "/documents/templates/protocol_short", data=body, content_type=f'multipart/form-data; boundary="{boundary}"'
    )
    assert response.status_code == 413
    assert "Файл больше 10 МБ" in response.get_data(as_text=True)
    assert stored() == 0


def test_upload_needs_the_csrf_token(secretary, app, ctx):
    response = upload(secretary, with_marker("protocol_short", "X"), csrf=False)
    assert response.status_code == 400
    assert stored() == 0


def test_viewer_downloads_documents_but_cannot_touch_templates(viewer, demo):
    assert viewer.get(f"/documents/meetings/{demo.id}/protocol.docx").status_code == 200
    assert upload(viewer, with_marker("protocol_short", "ЧУЖОЙ")).status_code == 403
    assert stored() == 0
    for url in (
        "/documents/templates/",
        "/documents/templates/protocol_short",
        "/documents/templates/protocol_short/reference",
        "/documents/templates/protocol_short/default.docx",
    ):
        assert viewer.get(url).status_code == 403
    assert viewer.post("/documents/templates/protocol_short/default/activate").status_code == 403
    assert "/documents/templates/" not in viewer.get("/documents/").get_data(as_text=True)


def leaf_codes(value, prefix="") -> set[str]:
    """What the reference page must show for a context: every value and every loop."""
    codes = set()
    for key, item in value.items():
        path = prefix + key
        if isinstance(item, dict):
            codes |= leaf_codes(item, path + ".")
        elif isinstance(item, list):
            variable = reference.LOOP_VARIABLES.get(key, "x")
            codes.add("{%p for " + variable + " in " + path + " %}")
            for element in item:
                if isinstance(element, dict):
                    codes |= leaf_codes(element, variable + ".")
        else:
            codes.add("{{ " + path + " }}")
    return codes


@pytest.mark.parametrize("kind", list(contexts.DEMO_CONTEXTS))
def test_reference_lists_every_variable_with_its_demo_value(secretary, app, ctx, kind):
    page = html.unescape(secretary.get(f"/documents/templates/{kind}/reference").get_data(as_text=True))
    for code in leaf_codes(contexts.DEMO_CONTEXTS[kind]()):
        assert code in page, code
    assert "Координационного совета Промышленного образовательно-отраслевого кластера" in page
    assert "22 октября 2021 г." in page
    # Filters, with what they print.
    assert "Поярковой О.Н." in page and "«Томский индустриальный техникум»" in page


def test_reference_of_another_areas_kind(secretary, app, ctx):
    """Kinds of other areas are described from their own DEMO_CONTEXTS."""
    others = [kind for kind in library.KINDS if kind not in contexts.DEMO_CONTEXTS and services.demo_context(kind)]
    if not others:
        pytest.skip("no other area has document kinds with demo contexts yet")
    for kind in others:
        page = html.unescape(secretary.get(f"/documents/templates/{kind}/reference").get_data(as_text=True))
        assert leaf_codes(services.demo_context(kind)) <= {
            c for c in leaf_codes(services.demo_context(kind)) if c in page
        }
