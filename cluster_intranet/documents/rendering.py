"""Fill .docx templates (docxtpl) with a context of plain dicts.

Templates may be uploaded by users, so Jinja always runs in a sandbox: a template
can read the values it is given and call the filters below, nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import multiprocessing
import os
import re
import resource
from functools import cache, lru_cache

import jinja2
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import docx_package
from ..text import ru_date, short_date
from . import grammar
from .library import DEFAULT_TEMPLATES

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024  # the uploaded file itself
MAX_SEQUENCE_FROM_OPERATOR = 100_000  # the longest string or list `*` may build


class TemplateError(ValueError):
    """A template that cannot be used; the message is shown to the user as is."""

    def __init__(self, message: str, tag: str | None = None):
        super().__init__(message)
        self.message = message
        self.tag = tag


# --- filters ---------------------------------------------------------------------


def ru_time(value) -> str:
    """time → «10:00»"""
    if not value:
        return ""
    if isinstance(value, (dt.time, dt.datetime)):
        return value.strftime("%H:%M")
    return str(value)


_OPENING_QUOTE = re.compile(r'(^|[\s(\[{«„/—–-])"')


def quotes(value) -> str:
    """Straight "quotes" → «ёлочки»: a quote after a space/bracket opens, any other closes."""
    if value is None:
        return ""
    text = str(value)
    # Repeat so that a run of opening quotes ("" at the start of a nested name) converts.
    previous = None
    while previous != text:
        previous = text
        text = _OPENING_QUOTE.sub(r"\1«", text)
    return text.replace('"', "»")


# The «;» of an escaped character (a block of Markup: «R&amp;D») is no list's «;».
_ENTITY_AT_END = re.compile(r"&#?\w+;$")


def sentence(value):
    """End with a full stop unless there is one already («… – Пояркова О.Н.»); a list's
    «;» (or a «,», a «:») at the end gives way to it.

    Used as a block, ``{% filter sentence %}…{% endfilter %}``; the block is already
    escaped Markup, and Markup + "." stays Markup, so nothing is escaped twice.
    """
    text = value.rstrip()
    if not text or text.endswith((".", "!", "?", "…")):
        return text
    if text.endswith((",", ":")) or (text.endswith(";") and not _ENTITY_AT_END.search(text)):
        text = text[:-1].rstrip()
    return text + "."


def capital(value) -> str:
    """The first letter capital, the rest as written: a position opening a signature block
    («Главный инженер ООО …»; Jinja's ``capitalize`` would lower «ООО» to «Ооо»)."""
    text = "" if value is None else str(value)
    return text[:1].upper() + text[1:]


def names(value) -> str:
    """A list of people ({name} dicts or strings) → «Пояркова О.Н., Кузнецова Н.В.»."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = [value]
    return ", ".join(str(p.get("name", "")) if isinstance(p, dict) else str(p) for p in value)


FILTERS = {
    "ru_date": ru_date,  # «22 октября 2021 г.»
    "deadline": short_date,  # «01.12.2021»
    "ru_time": ru_time,
    "quotes": quotes,
    "sentence": sentence,
    "capital": capital,
    "names": names,
    **grammar.FILTERS,
}


# --- the sandbox -----------------------------------------------------------------


class _ForbiddenAttribute(SecurityError):
    def __init__(self, obj, attribute):
        super().__init__(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")
        self.attribute = attribute


class _TooLarge(SecurityError):
    """`*` or `**` would build a huge value."""


class _DocumentSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, made loud and bounded.

    Jinja's sandbox answers a forbidden attribute (``''.__class__``) with an undefined
    value that prints as an empty string; we raise instead, so an upload that probes
    for Python internals is refused rather than silently accepted. Immutable: a
    template cannot change the lists it is given. ``*`` and ``**`` are checked so
    that ``'x' * 10**10`` cannot eat the server's memory.
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options):
        super().__init__(**options)
        # docxtpl hands the document's XML to from_string on every render, and Jinja
        # compiles it anew; the same template renders again and again, so the compiled
        # ones are kept (bounded; the sandbox checks run when a template renders, not
        # when it compiles, so a kept template is exactly as safe).
        self.compiled = lru_cache(maxsize=64)(lambda source: jinja2.Environment.from_string(self, source))

    def from_string(self, source, globals=None, template_class=None):
        if globals is None and template_class is None and isinstance(source, str):
            return self.compiled(source)
        return super().from_string(source, globals, template_class)

    def unsafe_undefined(self, obj, attribute):
        raise _ForbiddenAttribute(obj, attribute)

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            # Jinja's ** is left-associative: cap the size of the result, not just the exponent.
            if isinstance(right, (int, float)) and (
                abs(right) > 64 or (isinstance(left, int) and left.bit_length() * right > 4096)
            ):
                raise _TooLarge("the exponent is too large")
            return left**right
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    if len(seq) * times > MAX_SEQUENCE_FROM_OPERATOR:
                        raise _TooLarge("the result of * is too long")
            return left * right
        return super().call_binop(context, operator, left, right)


@cache
def environment(strict: bool) -> jinja2.Environment:
    """The sandbox documents render in, one per strictness, kept for the process (with
    its compiled templates, ``environment(strict).compiled``)."""
    # Undefined values: uploaded templates are rendered with ChainableUndefined, so a
    # missing optional value (no chair, an attribute of None, a key that an older
    # template still uses) prints as nothing instead of making the document
    # impossible to download. Typos are caught earlier: validate_template renders the
    # upload against the complete demo context with StrictUndefined (strict=True).
    env = _DocumentSandbox(
        autoescape=True,  # values go into XML: & and < must be escaped
        undefined=jinja2.StrictUndefined if strict else jinja2.ChainableUndefined,
    )
    env.filters.update(FILTERS)
    return env


# --- the .docx package -----------------------------------------------------------


def _check_package(template_bytes: bytes) -> None:
    """Refuse anything that is not a reasonably sized .docx, before unpacking it."""
    if not isinstance(template_bytes, (bytes, bytearray)) or not template_bytes:
        raise TemplateError("Файл пустой или не загружен.")
    if len(template_bytes) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            f"Файл слишком большой: {len(template_bytes) / 1024 / 1024:.1f} МБ "
            f"(допускается не более {MAX_TEMPLATE_BYTES // 1024 // 1024} МБ)."
        )
    docx_package.check(
        template_bytes,
        TemplateError,
        "Файл не является документом Word (.docx). Сохраните шаблон в Word "
        "в формате «Документ Word (*.docx)» и загрузите его снова.",
    )


def _open(template_bytes: bytes) -> DocxTemplate:
    _check_package(template_bytes)
    template = DocxTemplate(io.BytesIO(template_bytes))
    try:
        template.init_docx()
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise TemplateError("Не удалось открыть документ Word: файл повреждён или это не .docx.") from exc
    return template


# --- error messages --------------------------------------------------------------


def _end_tag(jinja_list: str) -> str:
    """«'elif' or 'else' or 'endif'» → «{% endif %}» (the tag that closes the block)."""
    names = re.findall(r"'(\w+)'", jinja_list)
    closing = [n for n in names if n.startswith("end")] or names
    return "{% " + closing[0] + " %}" if closing else "закрывающий тег"


# Jinja's names of the tokens it expected or met, as the template's author wrote them.
_TOKENS = {"end of statement block": "%}", "end of print statement": "}}", "end of template": "конец шаблона",
           "name": "имя", "integer": "число"}  # fmt: skip


def _token(name: str) -> str:
    return _TOKENS.get(name, name)


_MESSAGES = [
    (
        r"unexpected end of template.*?looking for the following tags: (.+?)\.",
        lambda m: f"блок не закрыт: не хватает тега {_end_tag(m.group(1))}",
    ),
    (
        r"unknown tag '(\w+)'. You probably made a nesting mistake.*?looking for (.+?)\.",
        lambda m: (
            f"теги вложены неправильно: до «{m.group(1)}» нужно закрыть внутренний блок тегом {_end_tag(m.group(2))}"
        ),
    ),
    (
        r"unknown tag '(\w+)'.*?looking for the following tags: (.+?)\.",
        lambda m: f"неизвестный тег «{m.group(1)}», ожидался {_end_tag(m.group(2))}",
    ),
    (r"unknown tag '(\w+)'", lambda m: f"неизвестный тег «{m.group(1)}»"),
    (r"unexpected end of template", lambda m: "шаблон закончился посреди тега или блока"),
    (r"unexpected 'end of print statement'", lambda m: "выражение в {{ … }} не закончено"),
    (
        r"expected an expression, got '([^']+)'",
        lambda m: f"не хватает выражения (переменной или значения) перед «{_token(m.group(1))}»",
    ),
    (
        r"expected token '([^']+)', got '([^']+)'",
        lambda m: f"ожидалось «{_token(m.group(1))}», а написано «{_token(m.group(2))}»",
    ),
    (r"unexpected '([^']+)'", lambda m: f"лишний или неожиданный символ «{m.group(1)}»"),
    (r"no filter named '([^']+)'", lambda m: f"неизвестный фильтр «{m.group(1)}»"),
    (r"no test named '([^']+)'", lambda m: f"неизвестная проверка «{m.group(1)}»"),
    (r"'([^']+)' is undefined", lambda m: f"неизвестная переменная «{m.group(1)}»"),
    (r"has no attribute '([^']+)'", lambda m: f"нет поля «{m.group(1)}»"),
]
_MESSAGES = [(re.compile(pattern, re.IGNORECASE | re.DOTALL), build) for pattern, build in _MESSAGES]


def _explain(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    for pattern, build in _MESSAGES:
        match = pattern.search(text)
        if match:
            return build(match)
    return text.rstrip(".")


_BLOCK_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
_BLOCKS = {"for", "if", "macro", "call", "filter", "block", "with", "raw", "autoescape", "trans"}


def _unclosed_block(source: str) -> str | None:
    """The innermost block tag left open (for «unexpected end of template»)."""
    stack = []
    for match in _BLOCK_TAG.finditer(source):
        name, rest = match.group(1), " ".join(match.group(2).split())
        if name in _BLOCKS or (name == "set" and "=" not in rest):
            stack.append("{% " + f"{name} {rest}".strip() + " %}")
        elif name.startswith("end") and stack:
            stack.pop()
    return html.unescape(stack[-1]) if stack else None


_XML_TAG = re.compile(r"<[^>]+>")
_JINJA = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)


def _source_of_line(source: str, lineno: int | None, tag_name: str | None = None) -> str | None:
    """The document text on a line of docxtpl's XML (one line per paragraph).

    A {%p %} tag ends up on the line of the paragraph before it, so when the line
    holds several tags, the one named in the error (`tag_name`) is picked.
    """
    if not source or not lineno:
        return None
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return None
    text = html.unescape(_XML_TAG.sub("", lines[lineno - 1])).strip()
    tags = _JINJA.findall(text)
    if len(tags) == 1:
        return tags[0]
    if tag_name:
        named = [t for t in tags if re.match(r"\{%-?\s*" + re.escape(tag_name) + r"\b", t)]
        if named:
            return named[-1]
    return text[:200] or None


def _template_lineno(exc: BaseException) -> int | None:
    """Jinja rewrites tracebacks so that template frames carry template line numbers."""
    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _body_source(template: DocxTemplate) -> str:
    # Exactly what docxtpl hands to Jinja for the body (see DocxTemplate.render_xml_part).
    xml = template.patch_xml(template.xml_to_string(template.docx._element.body))
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _as_template_error(exc: Exception, template: DocxTemplate) -> TemplateError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        tag = None
        if "end of template" in (exc.message or "").lower():
            tag = _unclosed_block(exc.source or "")
        named = re.search(r"unknown tag '(\w+)'", exc.message or "", re.IGNORECASE)
        tag = tag or _source_of_line(exc.source or "", exc.lineno, named and named.group(1))
        message = f"Ошибка в записи шаблона: {_explain(exc)}"
    else:
        tag = None
        if getattr(template, "current_rendering_part", None) is template.docx._part:
            try:
                tag = _source_of_line(_body_source(template), _template_lineno(exc))
            except Exception:  # the hint is a courtesy; the error itself matters
                tag = None
        if isinstance(exc, _TooLarge):
            message = "Шаблон строит слишком большое значение (операции * или **)"
        elif isinstance(exc, _ForbiddenAttribute) and not exc.attribute.startswith("_"):
            message = (
                f"Шаблон вызывает запрещённый метод «{exc.attribute}»: шаблон может только "
                "читать переменные из описания контекста, но не менять их"
            )
        elif isinstance(exc, SecurityError):
            message = (
                "Шаблон обращается к внутренним объектам Python — это запрещено. "
                "В шаблоне можно использовать только переменные из описания контекста"
            )
        elif isinstance(exc, jinja2.TemplateError):
            message = f"Шаблон не удалось заполнить: {_explain(exc)}"
        else:
            message = f"Шаблон не удалось заполнить: {type(exc).__name__}: {exc}"
    message = message.rstrip(".")
    if tag:
        message += f" (в тексте «{tag}»)"
    return TemplateError(message + ".", tag=tag)


# --- public API ------------------------------------------------------------------


def render_unbounded(template_bytes: bytes, context: dict, strict: bool) -> bytes:
    """``template_bytes`` filled with ``context`` in this process, with no bound on time or
    memory: for the templates shipped with the intranet and inside the bounded child."""
    template = _open(template_bytes)
    try:
        template.render(context, jinja_env=environment(strict))
        out = io.BytesIO()
        template.save(out)
    except TemplateError:
        raise
    except MemoryError:
        raise TemplateError(TOO_MUCH_MEMORY) from None
    except Exception as exc:  # anything a template can provoke is the template's fault
        raise _as_template_error(exc, template) from exc
    return out.getvalue()


# --- bounds: an uploaded template renders in a child process ---------------------------
#
# The sandbox keeps a template away from Python, but not from the processor: a filter
# chain or nested loops can build gigabytes or run for minutes (``('x'*99999)|replace('x',
# 'x'*99999)``, ``''|center(10**8)``, ``lipsum(2000)``, loops in loops). So an uploaded
# template renders in a process of its own, forked from a small server that has the
# libraries loaded, with its memory and processor time limited; the request waits for it
# without holding anything, so the server keeps answering meanwhile, and a template over
# a limit is refused with a Russian reason. The templates shipped with the intranet are
# our own code: they render here, without the process's 0.1-0.2 s.

RENDER_SECONDS = 10  # wall-clock time an uploaded template may take
RENDER_MEMORY = 768 * 1024 * 1024  # address space a rendering may add to the process
TOO_SLOW = (
    "Шаблон заполняется слишком долго (дольше {seconds} с): в нём слишком много повторений "
    "(циклы в циклах, длинные строки из фильтров). Упростите шаблон"
)
TOO_MUCH_MEMORY = (
    "Шаблону не хватило памяти: он строит слишком большой текст (фильтры replace, center, "
    "lipsum или повторения). Упростите шаблон."
)
_processes = multiprocessing.get_context("forkserver")
# "__main__" as multiprocessing does by default: the server imports it once, not each child.
_processes.set_forkserver_preload(["__main__", __name__])


def _render_in_child(
    pipe, template_bytes: bytes, contexts: list[dict], strict: bool, memory: int, seconds: int
) -> None:
    used = _address_space()
    resource.setrlimit(resource.RLIMIT_AS, (used + memory, used + memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 1, seconds + 1))
    try:
        pipe.send(("ok", _render_all(template_bytes, contexts, strict), None))
    except TemplateError as error:
        pipe.send(("refused", error.message, error.tag))
    except MemoryError:
        pipe.send(("refused", TOO_MUCH_MEMORY, None))
    finally:
        pipe.close()


def _address_space() -> int:
    """The bytes of address space this process has mapped (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@cache
def _shipped() -> frozenset[str]:
    """The SHA-256 of every template shipped in default_templates/."""
    return frozenset(hashlib.sha256(path.read_bytes()).hexdigest() for path in DEFAULT_TEMPLATES.glob("*.docx"))


def _render_all(template_bytes: bytes, contexts: list[dict], strict: bool) -> bytes:
    """The template filled with each context in turn; the last one's bytes."""
    for context in contexts:
        rendered = render_unbounded(template_bytes, context, strict)
    return rendered


def _render(template_bytes: bytes, contexts: list[dict], strict: bool) -> bytes:
    """Rendered with every one of ``contexts`` (an upload is checked against several) in one
    child process, within one bound: RENDER_SECONDS is the time of the whole check, not of
    each rendering (14 variants of 9 s each held a request for two minutes)."""
    _check_package(template_bytes)  # cheap refusals here, before a process starts
    if hashlib.sha256(template_bytes).hexdigest() in _shipped():
        return _render_all(template_bytes, contexts, strict)
    receiver, sender = _processes.Pipe(duplex=False)
    child = _processes.Process(
        target=_render_in_child,
        args=(sender, template_bytes, contexts, strict, RENDER_MEMORY, RENDER_SECONDS),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(RENDER_SECONDS):
            raise TemplateError(TOO_SLOW.format(seconds=RENDER_SECONDS) + ".")
        outcome, value, tag = receiver.recv()
    except EOFError:  # killed by a limit before it could say so (the processor time)
        raise TemplateError(TOO_SLOW.format(seconds=RENDER_SECONDS) + ".") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if outcome != "ok":
        raise TemplateError(value, tag=tag)
    return value


def render_document(template_bytes: bytes, context: dict) -> bytes:
    """The .docx template filled with `context`, as .docx bytes.

    Raises TemplateError for a broken or unsafe template.
    """
    return _render(template_bytes, [context], strict=False)


def validate_template(template_bytes: bytes, demo_context: dict | list[dict]) -> None:
    """Check an uploaded template; raise TemplateError with a Russian message.

    The template must be a real, reasonably sized .docx whose tags parse, stay
    inside the sandbox and use only variables present in `demo_context` (or in each of
    a list of them: the variants of the demo data, checked together within one bound).
    """
    contexts = demo_context if isinstance(demo_context, list) else [demo_context]
    _render(template_bytes, contexts, strict=True)
