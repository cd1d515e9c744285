"""Bench rows of the remaining packages, in proportion to 5,000 firms and 100,000 questions:
answers to the answered questions, check-ups with their lawyers, counsel groups with seats and
services, lectures with registrations, and appeal items with their first event, the bureau and departments that work them and their people.

Every generator writes with Core bulk inserts (one statement per few thousand rows), so scale 1
takes seconds per package on SQLite and PostgreSQL alike.
"""

from datetime import timedelta

from sqlalchemy import insert, select

from bench.generate import generator
from courses.models import Lecture, LectureStatus, Registration
from knowledge.models import MessageKind, Question, QuestionMessage, QuestionStatus
from portal.accounts.models import Chamber, Enterprise, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.appeals.forms import BUREAU, DEFAULT_DEPARTMENTS
from portal.appeals.models import (
    AppealCategory,
    AppealEvent,
    AppealOrganisation,
    AppealOrganisationMember,
    AppealReferral,
    AppealStatus,
    Channel,
    OrganisationKind,
    Route,
)
from portal.checkups.models import Checkup, CheckupLawyer, Mode
from portal.checkups.models import Status as CheckupStatus
from portal.checkups.operations import current_checklist
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory
from portal.counsel.models import (
    CounselGroup,
    CounselLawyerSeat,
    CounselMembership,
    CounselService,
    ServiceKind,
    ServiceStatus,
)
from portal.demo import DEMO_PASSWORD

BATCH = 5000
CHECKUPS_PER_SCALE = 10_000  # two per firm over two years
GROUPS_PER_SCALE = 500  # 5 firms each: half the firms hold a counsel seat
SERVICES_PER_GROUP = 40
LECTURES_PER_SCALE = 1_000
REGISTRATIONS_PER_LECTURE = 50
APPEALS_PER_SCALE = 20_000
ANSWERED = (QuestionStatus.closed, QuestionStatus.answered, QuestionStatus.follow_up)


def _insert(model, rows, returning=None):
    """Insert rows in batches; with returning, the new ids in the rows' order."""
    ids = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        if returning is None:
            db.session.execute(insert(model), chunk)
        else:
            ids += db.session.scalars(
                insert(model).returning(returning, sort_by_parameter_order=True), chunk
            ).all()
    db.session.flush()
    return ids


def _firms():
    return db.session.execute(
        select(Enterprise.id, Enterprise.name, User.id.label("user_id"))
        .join(User, User.enterprise_id == Enterprise.id)
        .where(Enterprise.verification == Verification.verified, User.role == Role.enterprise)
        .order_by(Enterprise.id)
    ).all()


def _lawyer_ids():
    return list(
        db.session.scalars(
            select(User.id).where(
                User.role == Role.lawyer, User.verification == Verification.verified
            )
        )
    )


def _staff_id():
    return db.session.scalar(select(User.id).where(User.role == Role.staff).order_by(User.id))


@generator(order=25, name="answers")
def answers(app, scale, rng):
    """One answer for every answered question (its lawyer, at its first-answer time)."""
    done = 0
    last = 0
    while True:
        chunk = db.session.execute(
            select(Question.id, Question.lawyer_id, Question.first_answer_dt)
            .where(
                Question.id > last,
                Question.status.in_(ANSWERED),
                Question.lawyer_id.is_not(None),
                Question.first_answer_dt.is_not(None),
            )
            .order_by(Question.id)
            .limit(BATCH)
        ).all()
        if not chunk:
            break
        last = chunk[-1].id
        _insert(
            QuestionMessage,
            [
                {
                    "question_id": q.id,
                    "author_id": q.lawyer_id,
                    "kind": MessageKind.answer.value,
                    "body": "根据《民法典》第五百七十七条，当事人一方不履行合同义务的，"
                    "应当承担继续履行、采取补救措施或者赔偿损失等违约责任。建议先发函催告。",
                    "created_dt": q.first_answer_dt,
                }
                for q in chunk
            ],
        )
        done += len(chunk)
    return f"{done} answers"


@generator(order=40, name="check-ups")
def checkups(app, scale, rng):
    version = current_checklist()
    db.session.flush()
    firms = _firms()
    lawyers = _lawyer_ids()
    staff = _staff_id()
    now = utcnow()
    n = int(CHECKUPS_PER_SCALE * scale)
    rows, assigned = [], []
    for _ in range(n):
        firm = rng.choice(firms)
        start = now + timedelta(days=rng.randrange(-730, 30), hours=rng.randrange(0, 8))
        start = start.replace(minute=0, second=0, microsecond=0)
        if start > now:
            status = rng.choice([CheckupStatus.scheduled, CheckupStatus.confirmed])
        else:
            status = rng.choices(
                [CheckupStatus.acknowledged, CheckupStatus.delivered, CheckupStatus.cancelled],
                [80, 12, 8],
            )[0]
        rows.append(
            {
                "enterprise_id": firm.id,
                "checklist_version_id": version.id,
                "status": status.value,
                "mode": rng.choice(list(Mode)).value,
                "address": "企业经营场所",
                "start_dt": start,
                "end_dt": start + timedelta(hours=2),
                "summary": "",
                "created_by_id": staff,
                "created_dt": start - timedelta(days=14),
                "status_dt": start,
            }
        )
        assigned.append(rng.sample(lawyers, 2))
    ids = _insert(Checkup, rows, returning=Checkup.id)
    _insert(
        CheckupLawyer,
        [
            {"checkup_id": checkup_id, "lawyer_id": lawyer_id, "position": position}
            for checkup_id, pair in zip(ids, assigned, strict=True)
            for position, lawyer_id in enumerate(pair)
        ],
    )
    return f"{n} check-ups with two lawyers each"


@generator(order=50, name="counsel")
def counsel(app, scale, rng):
    firms = _firms()
    lawyers = _lawyer_ids()
    chambers = list(db.session.scalars(select(Chamber.id)))
    staff = _staff_id()
    today = clock.today()
    # Firms already seated (the demo's groups) keep their one current seat.
    seated = set(
        db.session.scalars(
            select(CounselMembership.enterprise_id).where(CounselMembership.left_on.is_(None))
        )
    )
    free = [f for f in firms if f.id not in seated]
    rng.shuffle(free)
    n = min(int(GROUPS_PER_SCALE * scale), len(free) // 5)
    groups = []
    for number in range(n):
        start = today - timedelta(days=rng.randrange(0, 700))
        groups.append(
            {
                "name": f"第{number + 1}法律顾问团",
                "chamber_id": rng.choice(chambers),
                "status": "active",
                "start_date": start,
                "end_date": start + timedelta(days=730),
                "note": "",
                "created_by_id": staff,
                "created_dt": utcnow(),
            }
        )
    group_ids = _insert(CounselGroup, groups, returning=CounselGroup.id)
    members, seats, services = [], [], []
    for index, (group_id, group) in enumerate(zip(group_ids, groups, strict=True)):
        mine = free[index * 5 : index * 5 + 5]
        pair = rng.sample(lawyers, 2)
        for slot, firm in enumerate(mine, start=1):
            members.append(
                {
                    "group_id": group_id,
                    "enterprise_id": firm.id,
                    "slot": slot,
                    "joined_on": group["start_date"],
                }
            )
        for slot, lawyer_id in enumerate(pair, start=1):
            seats.append(
                {
                    "group_id": group_id,
                    "lawyer_id": lawyer_id,
                    "slot": slot,
                    "joined_on": group["start_date"],
                }
            )
        for _ in range(SERVICES_PER_GROUP):
            day = group["start_date"] + timedelta(days=rng.randrange(0, 700))
            services.append(
                {
                    "group_id": group_id,
                    "enterprise_id": rng.choice(mine).id,
                    "lawyer_id": rng.choice(pair),
                    "kind": rng.choice(list(ServiceKind)).value,
                    "service_date": min(day, today),
                    "minutes": rng.choice([30, 60, 90, 120]),
                    "note": "审阅合同并出具修改意见。",
                    "status": rng.choices(
                        [ServiceStatus.confirmed, ServiceStatus.logged, ServiceStatus.disputed],
                        [85, 12, 3],
                    )[0].value,
                    "created_dt": utcnow(),
                }
            )
    _insert(CounselMembership, members)
    _insert(CounselLawyerSeat, seats)
    _insert(CounselService, services)
    return f"{n} counsel groups, {len(members)} firm seats, {len(services)} services"


@generator(order=60, name="lectures")
def lectures(app, scale, rng):
    firms = _firms()
    lawyers = _lawyer_ids()
    categories = list(db.session.scalars(select(LegalCategory.id)))
    staff = _staff_id()
    now = utcnow()
    n = int(LECTURES_PER_SCALE * scale)
    rows = []
    for number in range(n):
        starts = now + timedelta(days=rng.randrange(-700, 60))
        starts = starts.replace(hour=6, minute=0, second=0, microsecond=0)
        rows.append(
            {
                "title": f"企业合规讲座第{number + 1}期：合同风险防范",
                "speaker_id": rng.choice(lawyers),
                "guest_speaker": "",
                "starts_dt": starts,
                "duration_minutes": 90,
                "category_id": rng.choice(categories),
                "industry": "",
                "summary": "结合典型案例讲解合同签订、履行中的常见风险。",
                "notes": "",
                "video_url": "",
                "transcript_name": "",
                "status": rng.choices(
                    [LectureStatus.published, LectureStatus.draft, LectureStatus.cancelled],
                    [90, 6, 4],
                )[0].value,
                "status_changed_dt": starts - timedelta(days=20),
                "status_changed_by_id": staff,
                "checkin_code": f"{rng.randrange(10**6):06d}",
                "created_dt": starts - timedelta(days=30),
                "updated_dt": starts - timedelta(days=20),
                "version": 1,
            }
        )
    ids = _insert(Lecture, rows, returning=Lecture.id)
    registrations = []
    for lecture_id, row in zip(ids, rows, strict=True):
        for firm in rng.sample(firms, REGISTRATIONS_PER_LECTURE):
            registrations.append(
                {
                    "lecture_id": lecture_id,
                    "user_id": firm.user_id,
                    "enterprise_id": firm.id,
                    "created_dt": row["starts_dt"] - timedelta(days=rng.randrange(1, 15)),
                }
            )
    _insert(Registration, registrations)
    return f"{n} lectures, {len(registrations)} registrations"


APPEAL_STATES = {
    AppealStatus.closed: 50,
    AppealStatus.satisfied: 15,
    AppealStatus.reported_back: 8,
    AppealStatus.handled: 6,
    AppealStatus.accepted: 6,
    AppealStatus.distributed: 5,
    AppealStatus.triaged: 4,
    AppealStatus.referred: 4,
    AppealStatus.returned: 2,
}


# Items past triage have a route; those handed to a department (distributed onwards) have one.
ROUTED = frozenset(APPEAL_STATES) - {AppealStatus.referred}
AT_A_DEPARTMENT = ROUTED - {AppealStatus.triaged, AppealStatus.returned}


def _appeal_organisations():
    """The bureau and the default departments, each with its handler (bench-dept<n>@…, the
    bureau's bench-bureau@…), and a city leader (bench-leader@…): the people who work the
    register, with the demo password. Returns the departments' ids."""
    password_hash = hash_password(DEMO_PASSWORD)
    people = [(BUREAU, OrganisationKind.bureau, "bench-bureau", Role.bureau_coordinator)]
    people += [
        (names, OrganisationKind.department, f"bench-dept{n}", Role.department_handler)
        for n, names in enumerate(DEFAULT_DEPARTMENTS, start=1)
    ]
    departments = []
    for position, ((name, name_en), kind, login, role) in enumerate(people):
        organisation = AppealOrganisation(name=name, name_en=name_en, kind=kind, position=position)
        handler = User(
            email=f"{login}@bench.example",
            name=f"{name}经办人",
            role=role,
            password_hash=password_hash,
            verification=Verification.verified,
        )
        db.session.add_all(
            [
                organisation,
                handler,
                AppealOrganisationMember(organisation=organisation, user=handler),
            ]
        )
        if kind == OrganisationKind.department:
            departments.append(organisation)
    db.session.add(
        User(
            email="bench-leader@bench.example",
            name="市政府 领导",
            role=Role.leadership,
            password_hash=password_hash,
            verification=Verification.verified,
        )
    )
    db.session.flush()
    return [d.id for d in departments]


@generator(order=70, name="appeals")
def appeals(app, scale, rng):
    firms = _firms()
    staff = _staff_id()
    departments = _appeal_organisations()
    now = utcnow()
    states, weights = zip(*APPEAL_STATES.items(), strict=True)
    n = int(APPEALS_PER_SCALE * scale)
    rows = []
    for _ in range(n):
        firm = rng.choice(firms)
        created = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 730))
        status = rng.choices(states, weights)[0]
        finished = status in (AppealStatus.closed, AppealStatus.satisfied)
        if status in AT_A_DEPARTMENT:
            route, organisation = Route.forwarded, rng.choice(departments)
        else:
            route, organisation = (rng.choice(list(Route)) if status in ROUTED else None), None
        rows.append(
            {
                "enterprise_id": firm.id,
                "firm_name": firm.name,
                "summary": "项目验收后工程款迟迟未结算",
                "details": "企业反映政府投资项目竣工验收后工程款长期未结算，影响资金周转。",
                "channel": rng.choice(list(Channel)).value,
                "category": rng.choice(list(AppealCategory)).value,
                "tier": rng.choice([1, 2, 3]),
                "route": route.value if route else None,
                "organisation_id": organisation,
                "status": status.value,
                "stage_due_date": None if finished else clock.local_date(created) + timedelta(30),
                "created_by_id": staff,
                "created_dt": created,
                "status_changed_dt": created + timedelta(days=3),
                "status_changed_by_id": staff,
                "closed_dt": created + timedelta(days=40) if finished else None,
            }
        )
    ids = _insert(AppealReferral, rows, returning=AppealReferral.id)
    _insert(
        AppealEvent,
        [
            {
                "referral_id": referral_id,
                "kind": "status",
                "from_status": None,
                "to_status": row["status"],
                "note": "",
                "by_id": staff,
                "created_dt": row["created_dt"],
            }
            for referral_id, row in zip(ids, rows, strict=True)
        ],
    )
    return f"{n} appeal items"
