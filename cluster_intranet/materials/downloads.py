"""A stored file as a download: a material's version, or an uploaded protocol's original
(the protocol import's page sends it too, without loading the materials' views)."""

from __future__ import annotations

from flask import Response, current_app

from ..web import error_page, send_download
from . import services
from .models import MaterialVersion


def send_version(version: MaterialVersion) -> Response:
    try:
        body = services.read_content(version, current_app.config["MATERIALS_DIR"])
    except services.MaterialError as error:
        return error_page(404, str(error))
    return send_download(body, version.filename, services.KINDS[version.kind].mimetype)
