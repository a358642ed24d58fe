"""The media plan of the cluster and the uniform coverage of its events."""

from flask import Blueprint

bp = Blueprint("media", __name__, url_prefix="/media")
