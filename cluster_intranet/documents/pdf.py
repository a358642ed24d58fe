"""Convert .docx to PDF (or plain text) with LibreOffice running headless."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path


class ConversionError(RuntimeError):
    """LibreOffice is missing, failed or took too long; the message is for the user."""


def soffice_path(configured: str | None = None) -> str | None:
    """The LibreOffice executable (``configured``: the SOFFICE_PATH setting, a path or
    a name), or None when it is not installed."""
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    docx_bytes: bytes,
    convert_to: str,
    extension: str,
    timeout: float,
    soffice_setting: str | None,
    source_suffix: str = ".docx",
) -> bytes:
    """``docx_bytes`` (a file of ``source_suffix``) converted by LibreOffice headless with
    its ``--convert-to`` filter ``convert_to``, the result read from ``*.extension``."""
    soffice = soffice_path(soffice_setting)
    if soffice is None:
        raise ConversionError("Преобразование недоступно: на сервере не установлен LibreOffice.")
    # A killed LibreOffice may still hold files for a moment: do not fail on cleanup.
    with tempfile.TemporaryDirectory(prefix="docx-convert-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp)
        source = workdir / f"source{source_suffix}"
        source.write_bytes(docx_bytes)
        # Each run gets its own profile: LibreOffice locks its profile directory, so
        # two conversions sharing one would wait for or break each other.
        profile = workdir / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            convert_to,
            "--outdir",
            str(workdir),
            str(source),
        ]
        # A session of its own, so that on a timeout the whole process group
        # (the soffice wrapper and soffice.bin) can be killed, not just the wrapper.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionError(f"LibreOffice не успел преобразовать документ за {timeout:g} с.") from None
        result = workdir / f"source.{extension}"
        if process.returncode != 0 or not result.exists():
            detail = stderr.decode("utf-8", "replace").strip()[-500:]
            raise ConversionError("LibreOffice не смог преобразовать документ" + (f": {detail}" if detail else "."))
        return result.read_bytes()


def convert_to_pdf(docx_bytes: bytes, timeout: float = 60, soffice: str | None = None) -> bytes:
    """The .docx as PDF bytes."""
    return convert(docx_bytes, "pdf:writer_pdf_Export", "pdf", timeout, soffice)


def convert_to_text(docx_bytes: bytes, timeout: float = 60, soffice: str | None = None) -> str:
    """The .docx as plain text, one paragraph per line (as Writer saves it)."""
    data = convert(docx_bytes, "txt:Text (encoded):UTF8", "txt", timeout, soffice)
    return data.decode("utf-8-sig")


def convert_to_docx(data: bytes, suffix: str, timeout: float = 60, soffice: str | None = None) -> bytes:
    """A .doc, .rtf or .odt file (``suffix``) as .docx bytes."""
    return convert(data, "docx:MS Word 2007 XML", "docx", timeout, soffice, source_suffix=suffix)
