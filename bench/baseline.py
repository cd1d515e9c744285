"""The fair baseline: a bare Flask + SQLAlchemy + Jinja page reading and rendering 50 rows.

    gunicorn bench.baseline:app        (DATABASE_URL names the bench database)

What any database-backed list page must at least do, with nothing of the portal's: no session,
no log-in, no translations, no navigation. The portal's pages are compared with it in the same
`bench.http` run.
"""

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>企业</title></head>
<body><main><h1>企业</h1>
<table><thead><tr><th>名称</th><th>统一社会信用代码</th><th>行业</th><th>地址</th></tr></thead>
<tbody>{% for row in rows %}<tr><td><a href="/enterprises/{{ row.id }}">{{ row.name }}</a></td>
<td>{{ row.uscc }}</td><td>{{ row.industry }}</td><td>{{ row.address }}</td></tr>{% endfor %}
</tbody></table></main></body></html>"""

app = Flask(__name__)
engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///bench/out/bench.db"))


@app.get("/")
def rows():
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT id, name, uscc, industry, address FROM enterprises "
                "ORDER BY id DESC LIMIT 50"
            )
        ).all()
    return render_template_string(PAGE, rows=found)
