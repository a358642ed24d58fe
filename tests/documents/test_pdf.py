"""LibreOffice conversion (pdf.py)."""

from __future__ import annotations

import pytest

from cluster_intranet.documents import pdf
from cluster_intranet.documents.rendering import render_document

from .support import full_context, read_template, requires_soffice


@pytest.fixture(scope="module")
def full_protocol() -> bytes:
    return render_document(read_template("protocol_full.docx"), full_context())


@requires_soffice
def test_pdf_conversion_produces_a_pdf(full_protocol):
    data = pdf.convert_to_pdf(full_protocol)
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-1024:]
    assert len(data) > 5000


@requires_soffice
def test_conversion_that_takes_too_long_is_stopped(full_protocol):
    with pytest.raises(pdf.ConversionError, match="не успел"):
        pdf.convert_to_pdf(full_protocol, timeout=0.01)


def test_missing_libreoffice_is_a_clear_error(monkeypatch, full_protocol):
    monkeypatch.setattr(pdf, "soffice_path", lambda configured=None: None)
    with pytest.raises(pdf.ConversionError, match="не установлен LibreOffice"):
        pdf.convert_to_pdf(full_protocol)


def test_failed_conversion_is_a_clear_error(monkeypatch, tmp_path, full_protocol):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "soffice_path", lambda configured=None: str(fake))
    with pytest.raises(pdf.ConversionError, match="не смог.*could not be loaded"):
        pdf.convert_to_pdf(full_protocol)
