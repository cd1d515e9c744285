"""Pages of mediation."""

from flask import render_template


def index():
    return render_template("mediation/index.html")
