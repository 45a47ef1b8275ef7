"""The chat page: one self-contained HTML page with its script and style (no CDN, no build step)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import render_template

bp = APIBlueprint("pages", __name__, static_folder="static", static_url_path="/assets",
                  template_folder="templates", enable_openapi=False)


@bp.get("/")
def chat():
    return render_template("chat.html")
