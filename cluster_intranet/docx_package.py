"""A .docx received from a user (an uploaded template, a protocol to import) is checked
here before anything unpacks it. It must be a zip holding Word's main part, and the
sizes its directory declares bound what unpacking may produce (zipfile stops at the
declared size and fails on a mismatch), so a zip bomb is refused unread."""

from __future__ import annotations

import io
import zipfile

MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all members together


def check(data: bytes, error: type[Exception], not_a_zip: str) -> None:
    """Raises ``error`` with the reason ``data`` may not be opened as a .docx
    (``not_a_zip`` when it is no zip at all: each caller says what to do then)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise error(not_a_zip) from None
    if not any(m.filename == "word/document.xml" for m in members):
        raise error("В файле нет основного текста документа Word (word/document.xml): это не документ .docx.")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise error(
            f"Документ в распакованном виде слишком большой: {unpacked / 1024 / 1024:.0f} МБ "
            f"(допускается не более {MAX_UNPACKED_BYTES // 1024 // 1024} МБ)."
        )
