"""Pages of knowledge."""

from flask import render_template


def index():
    return render_template("knowledge/index.html")
