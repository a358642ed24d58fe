"""Materials of a meeting: upload, new versions, titles, order, deletion, reading back.

What a file is comes from its bytes, not its name: a .docx must be a ZIP holding a Word
document, a .pdf must begin as a PDF does, and so on; the name's extension must say the
same. Files are kept in the database by default (one backup holds everything) or, with
MATERIALS_DIR set, in that directory under their SHA-256 (written before the row is
committed: a failed commit leaves at most an unreferenced file, never a row without one).
Files no version refers to any more are removed by ``sweep_files`` after the commit that
dropped them (a material deleted, a protocol upload discarded or expired).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import secrets
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..extensions import db
from ..meetings.models import AgendaItem, Meeting
from ..model_mixins import neighbour
from ..text import plural
from .models import Material, MaterialVersion

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    mimetype: str
    extensions: tuple[str, ...]


UPLOADED_KINDS = {
    "docx": Kind("документ Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": Kind("таблица Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": Kind("презентация PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    "pdf": Kind("документ PDF", "application/pdf", (".pdf",)),
    "png": Kind("изображение PNG", "image/png", (".png",)),
    "jpeg": Kind("изображение JPEG", "image/jpeg", (".jpg", ".jpeg")),
    "gif": Kind("изображение GIF", "image/gif", (".gif",)),
    "webp": Kind("изображение WebP", "image/webp", (".webp",)),
}  # fmt: skip
# What else an imported protocol's original may be (the importer reads it; never a material upload).
PROTOCOL_KINDS = {
    "txt": Kind("текст", "text/plain; charset=utf-8", (".txt",)),
    "doc": Kind("документ Word 97–2003", "application/msword", (".doc",)),
    "rtf": Kind("документ RTF", "application/rtf", (".rtf",)),
    "odt": Kind("документ OpenDocument", "application/vnd.oasis.opendocument.text", (".odt",)),
}  # fmt: skip
KINDS = {**UPLOADED_KINDS, **PROTOCOL_KINDS}
EXTENSION_KINDS = {ext: name for name, kind in UPLOADED_KINDS.items() for ext in kind.extensions}
PROTOCOL_ORIGINAL = "Исходный файл протокола"
ACCEPT = ",".join(EXTENSION_KINDS)  # the file input's accept attribute
ALLOWED_TEXT = "Можно загрузить .docx, .xlsx, .pptx, .pdf или изображение (.png, .jpg, .gif, .webp)."
# The part of an Office file's ZIP that tells which application's it is.
OFFICE_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


class MaterialError(ValueError):
    """A refusal for the user; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def detect_kind(data: bytes) -> str | None:
    """The kind of file ``data`` is, read from its bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            for kind, part in OFFICE_MAIN_PARTS.items():
                if part in names:
                    return kind
    return None


def too_much(max_size: int) -> str:
    """What several files over the limit together are told (one request carries them)."""
    return f"Выбранные файлы вместе больше {max_size // MB} МБ: загрузите их в несколько приёмов."


def too_big(max_size: int) -> str:
    """What a file over the limit is told, before it is sent (the page checks its size)
    or when the request itself is too big."""
    return (f"Файл больше {max_size // MB} МБ: такой материал загрузить нельзя. Уменьшите его (сожмите картинки, "
            "сохраните презентацию в PDF) или загрузите частями.")  # fmt: skip


def _megabytes(size: int) -> str:
    """A size in MB the Russian way, rounded up to a tenth: a file just over 50 MB reads
    «50,1», never «50.0» beside «больше 50 МБ»."""
    return f"{-(-size * 10 // MB) / 10:.1f}".replace(".", ",")


def check_file(filename: str, data: bytes, max_size: int) -> str:
    """The kind of an upload, or MaterialError saying why it is refused."""
    if not filename or not data:
        raise MaterialError("Выберите файл: пустой файл загрузить нельзя.", "file")
    if len(data) > max_size:
        raise MaterialError(
            f"Файл больше {max_size // MB} МБ ({_megabytes(len(data))} МБ): загрузите его частями "
            "или уменьшите (сожмите картинки, сохраните презентацию в PDF).", "file")  # fmt: skip
    expected = EXTENSION_KINDS.get(PurePath(filename).suffix.lower())
    if expected is None:
        raise MaterialError(f"Файл «{filename}» такого типа не принимается. {ALLOWED_TEXT}", "file")
    found = detect_kind(data)
    if found != expected:
        what = f"это {KINDS[found].label}" if found else "это не документ и не изображение известного типа"
        raise MaterialError(
            f"Содержимое файла «{filename}» не соответствует расширению ({KINDS[expected].label} ожидался, "
            f"а {what}). Сохраните файл заново в нужном формате.", "file")  # fmt: skip
    return expected


# Storage ---------------------------------------------------------------------------------


def _path(directory: str, sha256: str) -> Path:
    return Path(directory) / sha256[:2] / sha256


def store_file(data: bytes, directory: str | None) -> tuple[str, bytes | None]:
    """The file's SHA-256, and the bytes to keep in the row (None: written to ``directory``)."""
    sha256 = hashlib.sha256(data).hexdigest()
    if not directory:
        return sha256, data
    path = _path(directory, sha256)
    try:
        os.utime(path)  # kept already: touched, so a sweep before this row's commit leaves it
        return sha256, None
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then renamed: a reader never sees half a file.
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".upload-", delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, path)
    return sha256, None


SWEEP_GRACE_S = 3600  # a file written or touched this recently may be an upload not committed yet
STORED_NAME = re.compile(r"[0-9a-f]{64}")


@contextmanager
def directory_lock(directory: str | Path, *, wait: bool = True) -> Iterator[bool]:
    """Holds MATERIALS_DIR's lock (a backup copying it, a sweep removing from it); yields
    False when ``wait`` is off and another process holds it."""
    with open(Path(directory) / ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def sweep_files(directory: str | None) -> int:
    """Removes from ``directory`` (MATERIALS_DIR) the files no version refers to — a
    deleted material's, a discarded or expired protocol upload's, an upload whose commit
    failed — and what interrupted writes left; call it after the commit that dropped
    them. The number of files removed (none while a backup is copying the directory).

    An upload of the same bytes may be on its way meanwhile: ``store_file`` touches the file
    before its row is committed, so a file touched within SWEEP_GRACE_S stays. A file is
    moved aside before its age is read: an upload that touched it just before gets it
    back, one that comes just after finds it gone and writes it again."""
    if not directory or not Path(directory).is_dir():
        return 0
    with directory_lock(directory, wait=False) as locked:
        if not locked:
            return 0
        referenced = set(db.session.scalars(select(MaterialVersion.sha256).distinct()))
        cutoff = time.time() - SWEEP_GRACE_S
        removed = 0
        for path in Path(directory).glob("??/*"):
            if path.name.startswith("."):  # an interrupted upload's or sweep's temporary file
                with suppress(FileNotFoundError):
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                continue
            if path.name in referenced or not STORED_NAME.fullmatch(path.name):
                continue
            aside = path.with_name(f".sweep-{secrets.token_hex(4)}-{path.name}")
            try:
                os.rename(path, aside)
            except FileNotFoundError:
                continue
            if aside.stat().st_mtime >= cutoff:
                os.replace(aside, path)  # an upload of these bytes is on its way
            else:
                aside.unlink()
                removed += 1
        return removed


def read_content(version: MaterialVersion, directory: str | None) -> bytes:
    """The bytes of a version, wherever they are kept."""
    if version.content is not None:
        return version.content
    if directory:
        try:
            return _path(directory, version.sha256).read_bytes()
        except FileNotFoundError:
            pass
    raise MaterialError("Файл не найден в хранилище материалов: обратитесь к администратору.")


# Reading ---------------------------------------------------------------------------------


def meeting_materials(meeting_id: int) -> list[Material]:
    """The materials of a meeting in order, their versions and uploaders loaded."""
    return list(db.session.scalars(
        select(Material).where(Material.meeting_id == meeting_id)
        .options(selectinload(Material.versions).selectinload(MaterialVersion.uploaded_by))
        .order_by(Material.position, Material.id)
    ))  # fmt: skip


def grouped(meeting: Meeting, materials: list[Material]) -> list[tuple[AgendaItem | None, list[Material]]]:
    """The materials of the whole meeting first, then each agenda item's, in the agenda's order."""
    groups: list[tuple[AgendaItem | None, list[Material]]] = [
        (None, [m for m in materials if m.agenda_item_id is None])
    ]
    for item in meeting.agenda_items:
        groups.append((item, [m for m in materials if m.agenda_item_id == item.id]))
    return groups


# Changes ---------------------------------------------------------------------------------


def _check_open(meeting: Meeting) -> None:
    if meeting.is_locked:
        raise MaterialError(
            "Протокол утверждён: его материалы не меняются. Откройте протокол заново, чтобы изменить их."
        )


def _agenda_item(meeting: Meeting, agenda_item_id: int | None) -> int | None:
    if agenda_item_id is None:
        return None
    if agenda_item_id not in {item.id for item in meeting.agenda_items}:
        raise MaterialError("Такого вопроса нет в повестке этого заседания.", "agenda_item_id")
    return agenda_item_id


def _title(title: str, filename: str) -> str:
    title = (title or "").strip() or PurePath(filename).stem.strip() or "Материал"
    return title[:500]


def add_material(
    meeting: Meeting, *, title: str, agenda_item_id: int | None, filename: str, data: bytes,
    user: User | None, max_size: int, directory: str | None,
) -> Material:  # fmt: skip
    """A new material of the meeting (or of one of its agenda items), its first version."""
    _check_open(meeting)
    kind = check_file(filename, data, max_size)
    item_id = _agenda_item(meeting, agenda_item_id)
    last = db.session.scalar(select(func.max(Material.position)).where(Material.meeting_id == meeting.id))
    material = Material(
        meeting_id=meeting.id, agenda_item_id=item_id, title=_title(title, filename), position=(last or 0) + 1
    )
    db.session.add(material)
    _add_version(material, 1, filename, kind, data, user, directory)
    db.session.flush()
    return material


def add_materials(
    meeting: Meeting, *, files: list[tuple[str, bytes]], title: str, agenda_item_id: int | None,
    user: User | None, max_size: int, directory: str | None,
) -> list[Material]:  # fmt: skip
    """A material per file, in the order chosen. The title is that of one file; several are
    named after their files. One file refused refuses them all, saying which."""
    title = title if len(files) == 1 else ""
    materials = []
    for filename, data in files:
        try:
            materials.append(add_material(
                meeting, title=title, agenda_item_id=agenda_item_id, filename=filename, data=data, user=user,
                max_size=max_size, directory=directory,
            ))  # fmt: skip
        except MaterialError as error:
            if len(files) == 1:
                raise
            named = str(error) if filename in str(error) else f"«{filename}»: {error}"
            raise MaterialError(f"{named} Ни один из выбранных файлов не загружен.", error.field) from error
    return materials


def uploaded_text(materials: list[Material]) -> str:
    """What an upload says: «Материал «План» загружен.», «Загружено 3 материала: «А», «Б», «В».»."""
    if len(materials) == 1:
        return f"Материал «{materials[0].title}» загружен."
    titles = ", ".join(f"«{material.title}»" for material in materials)
    count = len(materials)
    return f"{plural(count, 'Загружен', 'Загружено', 'Загружено')} {count} {plural(count, 'материал', 'материала', 'материалов')}: {titles}."


def add_version(
    material: Material, *, filename: str, data: bytes, user: User | None, max_size: int, directory: str | None
) -> MaterialVersion:
    """A new version of the material's file; the older ones are kept."""
    _check_open(material.meeting)
    kind = check_file(filename, data, max_size)
    version = _add_version(material, material.current.number + 1, filename, kind, data, user, directory)
    db.session.flush()
    return version


def _add_version(material, number, filename, kind, data, user, directory) -> MaterialVersion:
    sha256, content = store_file(data, directory)
    version = MaterialVersion(
        number=number, filename=PurePath(filename).name[:255], kind=kind, size=len(data), sha256=sha256,
        content=content, uploaded_by_id=user.id if user else None,
    )  # fmt: skip
    material.versions.append(version)
    return version


# Protocols uploaded for import -----------------------------------------------------------


def keep_protocol(
    filename: str, data: bytes, lines: list[str], user: User | None, directory: str | None
) -> MaterialVersion:
    """An uploaded protocol kept for review: a version of no material yet, with the
    lines the importer read from it. The importer has checked the file already."""
    suffix = PurePath(filename).suffix.lower()
    kind = next((name for name, kind in KINDS.items() if suffix in kind.extensions), "txt")
    sha256, content = store_file(data, directory)
    version = MaterialVersion(
        number=1, filename=PurePath(filename).name[:255], kind=kind, size=len(data), sha256=sha256, content=content,
        uploaded_by_id=user.id if user else None, lines=lines,
    )  # fmt: skip
    db.session.add(version)
    db.session.flush()
    return version


def attach_protocol(version: MaterialVersion, meeting: Meeting) -> Material:
    """The reviewed protocol's file becomes the material «Исходный файл протокола» of the
    meeting the import created."""
    last = db.session.scalar(select(func.max(Material.position)).where(Material.meeting_id == meeting.id))
    material = Material(meeting=meeting, title=PROTOCOL_ORIGINAL, position=(last or 0) + 1, protocol_original=True)
    material.versions.append(version)
    db.session.add(material)
    db.session.flush()
    return material


def update_material(material: Material, *, title: str, agenda_item_id: int | None) -> None:
    _check_open(material.meeting)
    if not (title or "").strip():
        raise MaterialError("Укажите название материала.", "title")
    material.title = title.strip()[:500]
    material.agenda_item_id = _agenda_item(material.meeting, agenda_item_id)
    db.session.flush()


def move_material(material: Material, step: int) -> None:
    """Swaps the material with its neighbour within its group (the meeting's, or its item's)."""
    _check_open(material.meeting)
    group = [m for m in meeting_materials(material.meeting_id) if m.agenda_item_id == material.agenda_item_id]
    other = neighbour(group, next(m for m in group if m.id == material.id), step, MaterialError)
    material.position, other.position = other.position, material.position
    if material.position == other.position:  # equal positions: make them distinct
        material.position += step
    db.session.flush()


def delete_material(material: Material) -> None:
    """Deletes the material and all its versions (files kept in MATERIALS_DIR go with
    ``sweep_files`` after the commit, unless another version has the same bytes)."""
    _check_open(material.meeting)
    db.session.delete(material)
    db.session.flush()
