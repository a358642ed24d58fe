"""Response helpers shared by the routes of every area."""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable
from datetime import datetime

from flask import Response, current_app, flash, redirect, render_template, request, send_file
from htmx_flask import make_response
from sqlalchemy import Select
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.http import is_resource_modified
from werkzeug.routing import IntegerConverter

from .extensions import db, login_manager
from .forms import LARGEST_INT, STALE_FORM, db_int, strip_controls
from .listing import ListPagination


def wants_fragment() -> bool:
    """An HTMX request for part of a page (a history restore wants the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_or_fragment(page_template: str, fragment_template: str, /, status: int = 200, **context):
    """One route, two outputs: the full page, or its fragment for HTMX."""
    template = fragment_template if wants_fragment() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def fragment(template: str, /, status: int = 200, *, trigger=None, retarget=None, reswap=None, **context):
    body = render_template(template, **context)
    said = trigger.get(NOTICE) if isinstance(trigger, dict) else None
    if said:
        # The notice in the message area as every message is written (_message.html), out of
        # band; the event left tells static/js/app.js where the focus goes.
        body += render_template("_message_oob.html", text=said["text"], category=said["category"])
        trigger = {**{k: v for k, v in trigger.items() if k != NOTICE}, "noticeShown": {"focus": said["focus"]}}
    response = make_response(body, status, trigger=trigger, retarget=retarget)
    if reswap:
        # Set directly: htmx-flask's own check rejects valid values by a typo.
        response.headers["HX-Reswap"] = reswap
    return response


NOTICE = "notice"


def notice(text: str, category: str = "success", focus: str | None = None) -> dict:
    """A change made in place says it was done: given in ``fragment(trigger=…)``, ``text`` is
    swapped into the page's message area out of band. The focus goes to the swapped part, or
    to the element ``focus`` (an id) inside it, when the swap holds more than the change."""
    return {NOTICE: {"text": text, "category": category, "focus": focus}}


def message(text: str, status: int = 422, category: str = "danger"):
    """A refusal shown in the page's message area, whatever element asked."""
    return fragment("_message.html", status, retarget="#messages", reswap="innerHTML", text=text, category=category)


def go_back(url: str, *texts: str | None, category: str = "success"):
    """The answer without JavaScript: ``texts`` (those given) as flashes on ``url``, a 303."""
    for text in texts:
        if text:
            flash(text, category)
    return redirect(url, 303)


# --- the request flow: validate → service → commit or roll back → answer -------------


def refusal(error: Exception, back: str, status: int | None = None):
    """A refusal not shown in a form: in the message area for HTMX (the error's own
    ``status`` if it has one, else 409), a flash and a 303 back to ``back`` otherwise.
    Nothing of the refused change is kept."""
    db.session.rollback()
    status = status or getattr(error, "status", None) or 409
    if wants_fragment():
        return message(str(error), status)
    return go_back(back, str(error), category="danger")


class InvalidInput(ValueError):
    """A form's reasons in one line, refused like a service's refusal (``apply_change``)."""

    status = 422


def show_in_form(form, error: Exception) -> bool:
    """Puts a refusal next to its field (``error.field``, when the form has it); False
    if the error names no field of the form."""
    name = getattr(error, "field", None)
    if not name or name not in form:
        return False
    form[name].errors = [*form[name].errors, str(error)]
    return True


def apply_change(
    form,
    change: Callable[[], object],
    refused_by: type[Exception] | tuple[type[Exception], ...],
    *,
    done: Callable[[object], Response],
    invalid: Callable[[], Response] | None = None,
    back: str | Callable[[Exception], Response] | None = None,
):
    """The request flow of every change, once: validate ``form`` (None: nothing to
    validate), call the service (``change()``), commit and answer ``done(result)`` — a
    303 for a page, the fragment for HTMX. ``refused_by`` are the services' refusals
    (``()``: a change never refused).

    Invalid input, or a refusal (``refused_by``) that names one of the form's fields,
    rolls back and answers ``invalid()``: the form again with the reasons, 422 — or,
    without ``invalid`` (a row's small form has no room for them), the reasons in one
    line (``InvalidInput``) as a refusal to ``back``, 422 (or the refusal's own ``status``: 409 for a row
    that exists already). Any other refusal rolls back and goes to
    ``back``: a URL (the message area for HTMX, 409 for a stale version or a locked
    record, else a flash and a 303 there), a function of the error, or None to show it
    among the form's own errors through ``invalid()``.
    """

    def rejected():
        if invalid is not None:
            return invalid()
        error = InvalidInput(form.error_text() or STALE_FORM)
        return back(error) if callable(back) else refusal(error, back)

    if form is not None and not form.validate_on_submit():
        return rejected()
    try:
        result = change()
        db.session.commit()  # a version counter may refuse only here (StaleDataError)
    except refused_by as error:
        db.session.rollback()
        if form is not None and show_in_form(form, error):
            return with_status(rejected(), getattr(error, "status", None))
        if back is None:
            form.form_errors.append(str(error))
            return invalid()
        return back(error) if callable(back) else refusal(error, back)
    return done(result)


def with_status(response, status: int | None):
    """``response`` (anything a view may return) with the status ``status``, if given."""
    if status is None:
        return response
    response = current_app.make_response(response)
    response.status_code = status
    return response


def form_again(template: str, target: str, page: Callable[[], Response], /, **context):
    """A form inside a page refused its input (422): for HTMX the form alone, in place of
    the element ``target`` (an id); without JavaScript the whole page again (``page()``)."""
    if wants_fragment():
        return fragment(template, 422, retarget=f"#{target}", reswap="outerHTML", **context)
    return page()


def button_change(
    change: Callable[[], object],
    refused_by: type[Exception] | tuple[type[Exception], ...],
    *,
    back: str,
    said: str | Callable[[object], str],
    then: Callable[[object], str] | None = None,
    form=None,
    invalid: Callable[[], Response] | None = None,
):
    """A change a button makes, with the few fields of its ``form`` (validated first) or
    none: done, ``said`` (or ``said(result)``) on the page ``then(result)`` (or ``back``);
    refused, the reason on ``back``; invalid, ``invalid()`` (the form again) or the
    reasons on ``back`` as ``apply_change`` says."""

    def done(result):
        return after_change(then(result) if then else back, said(result) if callable(said) else said)

    return apply_change(form, change, refused_by, back=back, done=done, invalid=invalid)


def record_form(model, record_id: int | None, form_class):
    """The row a «new or edit» page changes, and its form: the row ``record_id`` (404 when
    there is none) with its values in the form, or a new row and an empty form."""
    if not record_id:
        return model(), form_class()
    record = db.get_or_404(model, record_id)
    return record, form_class(obj=record)


def form_page(template: str, form, change: Callable[[], object], refused_by, *, then: Callable[[object], str],
              text: str | Callable[[object], str] | None = None, **context):  # fmt: skip
    """A page with one form: GET shows it; POST runs ``apply_change`` and, done, flashes
    ``text`` (or ``text(result)``; None: nothing to say) and goes to ``then(result)`` (both
    called after the commit: a new row has its id); invalid or refused, the page again
    with the reasons, 422."""

    def page(status: int = 422):
        return render_template(template, form=form, **context), status

    def done(result):
        return after_change(then(result), text(result) if callable(text) else text)

    if request.method == "GET":
        return page(200)
    return apply_change(form, change, refused_by, done=done, invalid=page)


def after_change(url: str, text: str | None = None):
    """After a change that ends on another page: a flash saying so, then ``url`` (HTMX
    follows HX-Redirect, a plain form a 303)."""
    if not wants_fragment():
        return go_back(url, text)
    if text:
        flash(text, "success")
    return make_response("", 200, redirect=url)


def raise_request_limits(blueprint, endpoints: set[str], **limits) -> None:
    """Raises the request's limits (``max_content_length``, ``max_form_memory_size``; a value,
    or a function of none for one read from the config) for ``endpoints``, before every other
    before_request: CSRFProtect reads the form before a view could raise them itself."""

    def raise_limits() -> None:
        if request.endpoint in endpoints:
            for name, value in limits.items():
                setattr(request, name, value() if callable(value) else value)

    @blueprint.record_once
    def first(state) -> None:
        state.app.before_request_funcs.setdefault(None, []).insert(0, raise_limits)


def page_number() -> int:
    return request.args.get("page", 1, type=db_int) or 1


def paginate(*parts: Select, per_page: int | None = None, count_limit: int | None = None) -> ListPagination:
    """The asked-for page of a list: of one statement, or of several read in turn
    (``listing``); with ``count_limit`` the rows are counted only that far."""
    return ListPagination(
        page=max(page_number(), 1),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=False,
        parts=list(parts),
        count_limit=count_limit,
    )


# --- downloads: one path for the files of every area ------------------------------

# The types of the documents every area sends (send_download).
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_FILENAME_BYTES = 255  # what Linux, macOS and Windows file systems allow, in UTF-8
_FORBIDDEN = re.compile(r'[\\/*?"<>|\x00-\x1f]+')


def download_name(kind: str | None, title: str, extension: str) -> str:
    """«Пресс-релиз — Итоги чемпионата. Томск.docx»: the document's kind, then its title —
    the kind once (a title that begins with it is not prefixed again), «:» read as a
    dash, no character a file system refuses, at most 255 bytes of UTF-8 (a long title
    is shortened on a word boundary, before a bracket or quote it would leave open, with «…»)."""
    title = re.sub(r"\s+", " ", title or "").strip()
    if kind:
        head = re.match(re.escape(kind) + r"\s*[:.,—–-]+\s*", title, re.IGNORECASE)
        if head:  # «Пресс-релиз: итоги…»
            title = f"{kind} — {title[head.end() :]}" if title[head.end() :] else kind
        elif title.lower().startswith(kind.lower()):  # «Медиаплан кластера на 2023 год»
            pass
        else:
            title = f"{kind} — {title}" if title else kind
    title = re.sub(r"\s*:\s*", " — ", title)
    title = re.sub(r'"([^"]*)"', r"«\1»", title)  # straight quotes are refused by Windows
    title = _FORBIDDEN.sub(" ", title.replace("/", "-"))
    title = re.sub(r"\s+", " ", title).strip(" .") or "Документ"
    suffix = "." + extension
    room = MAX_FILENAME_BYTES - len(suffix.encode())
    if len(title.encode()) > room:
        room -= len("…".encode())
        cut = title.encode()[:room].decode(errors="ignore")
        if " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        for opening, closing in (("(", ")"), ("«", "»")):  # no bracket or quote left open: «…(по….docx»
            if cut.count(opening) > cut.count(closing):
                cut = cut[: cut.rindex(opening)]
        title = cut.rstrip(" ,.;:—–-") + "…"
    return title + suffix


def send_download(body: bytes, filename: str, mimetype: str) -> Response:
    """``body`` as a file to download under ``filename`` (build it with ``download_name``).
    Flask writes the header: the UTF-8 name (RFC 5987) and a plain one for old clients.
    Never stored by a cache: a document says what the data said when it was asked for."""
    response = send_file(
        io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=filename, etag=False, conditional=False
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def file_name(upload) -> str:
    """The name of an uploaded file (a FileStorage) as the services take it: without control
    characters (a NUL in it reached PostgreSQL, which refuses it) or outer spaces."""
    return strip_controls(upload.filename or "")


class IdConverter(IntegerConverter):
    """The ``int`` of every route: a number beyond the databases' integer range is no
    row of theirs, so the URL answers 404 before any query."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_INT, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def conditional(
    build: Callable[[], tuple[bytes, bool]], *, etag: str, last_modified: datetime | None, content_type: str
) -> Response:
    """A feed's answer, named by ``etag`` (strong, quoted) and ``last_modified`` without
    building it: 304 when the client's copy is current, headers alone for HEAD, else the
    body ``build()`` gives, gzipped when the client accepts it (the gzip bytes have an
    ETag of their own, so one ETag never names two bodies). ``build()`` also says whether
    the data were still those of the ETag when it was done: if not, the body (maybe newer)
    goes without validators, and the client's next request fetches it again."""
    compress = request.accept_encodings.quality("gzip") > 0
    if compress:
        etag = etag[:-1] + '-gzip"'
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    elif request.method == "HEAD":
        response = Response(content_type=content_type)
        response.automatically_set_content_length = False
    else:
        body, current = build()
        if compress:
            body = gzip.compress(body, compresslevel=6, mtime=0)  # mtime 0: the same bytes every time
        response = Response(body, content_type=content_type)
        if not current:
            etag, last_modified = None, None
    if compress and response.status_code == 200:
        response.headers["Content-Encoding"] = "gzip"
    if etag:
        response.headers["ETag"] = etag
    if last_modified:
        response.last_modified = last_modified
    response.vary.add("Accept-Encoding")
    return response


# --- error pages (main/errors.py registers them for every error) ---------------------

MESSAGES = {
    400: ("Неверный запрос", "Запрос не удалось обработать. Обновите страницу и попробуйте ещё раз."),
    403: ("Доступ запрещён", "У вас нет прав для этого действия. Обратитесь к администратору интранета."),
    404: ("Страница не найдена", "Такой страницы или записи нет. Возможно, её удалили."),
    405: ("Действие недоступно", "Этот адрес не поддерживает такое действие."),
    413: ("Файл слишком большой", "Размер загружаемого файла превышает допустимый."),
    409: ("Запись изменена", "Запись изменил другой пользователь. Обновите страницу и повторите."),
    429: ("Слишком много попыток", "Подождите минуту и попробуйте снова."),
    500: ("Ошибка сервера", "Что-то пошло не так. Мы уже знаем об этом; попробуйте позже."),
    503: (
        "Сервис временно недоступен",
        "База данных не отвечает. Страница заработает, как только связь восстановится.",
    ),
}


def error_page(status: int, detail: str | None = None, link: tuple[str, str] | None = None):
    """The error page (``link``: a URL and its text, besides «На главную»); HTMX gets the message."""
    title, text = MESSAGES.get(status, MESSAGES[500])
    if wants_fragment():
        return message(detail or text, status)
    try:
        return render_template("error.html", status=status, title=title, text=detail or text, link=link), status
    except DBAPIError as error:  # the page shows the signed-in user, and the database is down
        return database_unavailable(error)


DATABASE_BUSY = "База данных занята сохранением других изменений. Повторите действие через несколько секунд."


def database_unavailable(error: DBAPIError):
    """The database is unreachable (down, restarting, connection lost) or, for SQLite,
    still locked by another writer after the busy timeout: a 503 page asking to retry.
    Also when it happens while loading the signed-in user, before the view runs."""
    if not isinstance(error, OperationalError) and not error.connection_invalidated:
        raise error  # a bug, not an outage: the 500 page
    try:
        db.session.rollback()
    except DBAPIError:
        pass  # the connection is gone; the pool replaces it (pool_pre_ping)
    # The page is drawn for an anonymous user: base.html must not ask the database for the user.
    login_manager._update_request_context_with_user()
    locked = "database is locked" in str(error.orig)
    response = make_response(error_page(503, DATABASE_BUSY if locked else None))
    response.headers["Retry-After"] = "5"
    return response
