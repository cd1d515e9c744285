"""Lawyer-queue page at scale: `python -m bench.queue [--questions 100000] [--requests 300]`.

Builds a temporary SQLite database, fills it with generate_questions(), logs in as the busiest
lawyer through the test client and times the queue page (first pages and filters); prints p50/p95.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.timing import percentile


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--database", help="reuse this SQLite file when it exists (generated there otherwise)"
    )
    args = parser.parse_args(argv)

    import portal
    from bench.questions import BENCH_PASSWORD, generate_questions
    from knowledge.models import Question, QuestionOffer
    from portal.accounts import passwords
    from portal.accounts.models import User
    from portal.config import TestingConfig
    from portal.core.db import db
    from portal.core.models import LegalCategory
    from portal.demo import ensure_categories

    passwords.set_fast_hashing_for_tests()
    folder = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    database = Path(args.database) if args.database else folder / "bench.db"
    reuse = database.exists()

    class Config(TestingConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        UPLOAD_DIR = str(folder / "uploads")
        SEARCH_INDEX_DIR = str(folder / "index")
        SEARCH_INDEX_INLINE = False

    app = portal.create_app(Config)
    with app.app_context():
        if not reuse:
            db.create_all()
            ensure_categories()
            started = time.perf_counter()
            generate_questions(db.session, args.questions)
            db.session.commit()
            print(f"generated {args.questions} questions in {time.perf_counter() - started:.1f} s")
        total = db.session.scalar(select(func.count()).select_from(Question))
        print(f"database {database}: {total} questions")
        lawyer_id, offers = db.session.execute(
            select(QuestionOffer.lawyer_id, func.count())
            .group_by(QuestionOffer.lawyer_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        email = db.session.get(User, lawyer_id).email
        category_ids = list(db.session.scalars(select(LegalCategory.id)))
        db.session.remove()

    client = app.test_client()
    response = client.post("/account/login", data={"email": email, "password": BENCH_PASSWORD})
    assert response.status_code == 302, "could not log in"
    urls = ["/questions/queue", "/questions/queue?page=2", "/questions/queue?industry=C"]
    urls += [f"/questions/queue?category={cid}" for cid in category_ids[:4]]
    timings = []
    for n in range(args.requests):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    print(
        f"lawyer queue ({offers} questions offered to this lawyer): {len(timings)} requests, "
        f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )


if __name__ == "__main__":
    main()
