"""Pages of appeals."""

from flask import render_template


def index():
    return render_template("appeals/index.html")
