"""The house's bench rows: enterprises with their users, and volunteer lawyers."""

from sqlalchemy import select

from bench.generate import generator
from portal.accounts.models import (
    Chamber,
    Enterprise,
    LawyerProfile,
    Role,
    User,
    Verification,
)
from portal.accounts.passwords import hash_password
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory
from portal.core.reference import make_uscc
from portal.demo import (
    CHAMBER_INDUSTRIES,
    DEMO_PASSWORD,
    LAW_FIRMS,
    firm_name,
    person_name,
)

ENTERPRISES_PER_SCALE = 5000
LAWYERS_PER_SCALE = 300
DISTRICTS = ["和平区", "沈河区", "皇姑区", "大东区", "铁西区", "浑南区", "于洪区", "沈北新区"]
STREETS = ["青年大街", "北京街", "建设路", "长江街", "南京北街", "十一纬路", "北陵大街"]


@generator(order=10, name="portal accounts")
def enterprises_and_lawyers(app, scale, rng):
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    chambers = list(db.session.scalars(select(Chamber).order_by(Chamber.id)))
    categories = list(db.session.scalars(select(LegalCategory).order_by(LegalCategory.position)))
    used = set(db.session.scalars(select(Enterprise.uscc)))
    taken = set(db.session.scalars(select(Enterprise.name)))
    now = utcnow()
    n_enterprises = int(ENTERPRISES_PER_SCALE * scale)
    seed = 10_000
    batch = []
    for n in range(1, n_enterprises + 1):
        uscc = make_uscc(seed)
        while uscc in used:
            seed += 1
            uscc = make_uscc(seed)
        used.add(uscc)
        seed += 1
        chamber = chambers[n % len(chambers)]
        industry = rng.choice(CHAMBER_INDUSTRIES.get(chamber.code, "CF"))
        verified = rng.random() > 0.05
        enterprise = Enterprise(
            name=firm_name(rng, industry, taken),
            uscc=uscc,
            industry=industry,
            size_class=rng.choices(["micro", "small", "medium", "large"], [40, 40, 15, 5])[0],
            address=f"沈阳市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randrange(1, 400)}号",
            contact_name=person_name(rng),
            contact_phone=f"024-{rng.randrange(20000000, 89999999)}",
            verification=Verification.verified if verified else Verification.pending,
            verified_dt=now if verified else None,
            chambers=[chamber],
        )
        batch.append(enterprise)
        batch.append(
            User(
                email=f"bench-enterprise{n}@bench.example",
                name=enterprise.contact_name,
                phone=f"13{rng.randrange(100000000, 999999999)}",
                password_hash=password_hash,
                role=Role.enterprise,
                enterprise=enterprise,
                verification=enterprise.verification,
            )
        )
        if len(batch) >= 2000:
            db.session.add_all(batch)
            db.session.flush()
            batch.clear()
    db.session.add_all(batch)
    db.session.flush()

    n_lawyers = int(LAWYERS_PER_SCALE * scale)
    for n in range(1, n_lawyers + 1):
        user = User(
            email=f"bench-lawyer{n}@bench.example",
            name=person_name(rng),
            phone=f"13{rng.randrange(100000000, 999999999)}",
            password_hash=password_hash,
            role=Role.lawyer,
            verification=Verification.verified if rng.random() > 0.05 else Verification.pending,
        )
        user.lawyer_profile = LawyerProfile(
            law_firm=rng.choice(LAW_FIRMS),
            certificate_no=f"2210{n:07d}{rng.randrange(100000, 999999)}",
            industries="".join(sorted(set(rng.sample("ABCDEFGHIJKLMNOPQR", 4) + ["C"]))),
            weekly_capacity=rng.choice([3, 5, 5, 8, 10]),
            specialities=rng.sample(categories, 3),
            bio="执业多年，长期为民营企业提供法律顾问服务。",
        )
        db.session.add(user)
    db.session.flush()
    return f"{n_enterprises} enterprises with a user each, {n_lawyers} lawyers"
