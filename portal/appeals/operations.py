"""Every change to appeal items other than the status move itself; flushes, never commits."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union

from portal.appeals import deadlines, permissions
from portal.appeals.models import (
    LEGAL_CODE_TO_CATEGORY,
    AppealAttachment,
    AppealCategory,
    AppealEvaluation,
    AppealEvent,
    AppealReferral,
    AppealStatus,
    Channel,
    EvaluationMethod,
    Route,
    Tier,
)
from portal.appeals.workflow import AppealError, staff_users, transition
from portal.audit.operations import log
from portal.core import clock
from portal.core.db import db
from portal.core.uploads import DOCUMENT_KINDS, UploadRejected, store_upload
from portal.notifications.operations import notify

__all__ = [
    "AppealError",
    "create_referral",
    "duplicates_of",
    "merge",
    "record_evaluation",
    "record_progress",
    "record_register_details",
    "triage",
]


def _reindex(referral):
    from portal.appeals.search import reindex

    reindex(referral)


def _check_ref(register_ref, referral=None):
    if not register_ref:
        return None
    clash = db.session.scalar(
        select(AppealReferral).where(AppealReferral.register_ref == register_ref)
    )
    if clash is not None and clash is not referral:
        raise AppealError(
            _l("The register reference %(ref)s is already used by another item.", ref=register_ref)
        )
    return register_ref


def category_of_source(source) -> AppealCategory:
    """A question's or case's legal category carried over; a finding's area read for keywords."""
    legal = getattr(source, "category", None)
    code = getattr(legal, "code", None)
    if code in LEGAL_CODE_TO_CATEGORY:
        return LEGAL_CODE_TO_CATEGORY[code]
    text = f"{getattr(source, 'title', '')} {getattr(source, 'body', '')}"
    for word, category in (
        ("执行", AppealCategory.enforcement),
        ("信用", AppealCategory.credit_repair),
        ("失信", AppealCategory.credit_repair),
        ("劳动", AppealCategory.labour),
        ("社会保险", AppealCategory.labour),
        ("知识产权", AppealCategory.ip),
        ("税", AppealCategory.tax),
        ("合同", AppealCategory.contract_dispute),
        ("融资", AppealCategory.financing),
        ("许可", AppealCategory.administrative),
        ("资质", AppealCategory.administrative),
        ("公司", AppealCategory.corporate),
        ("诉讼", AppealCategory.malicious_litigation),
    ):
        if word in text:
            return category
    return AppealCategory.other


SOURCE_KINDS = {
    "questions": "question",
    "mediation_cases": "mediation_case",
    "checkup_findings": "checkup_finding",
    "counsel_requests": "counsel_request",
}


def create_referral(
    *,
    enterprise,
    summary,
    details="",
    category=AppealCategory.other,
    by,
    register_ref="",
    register_url="",
    channel=Channel.portal_record,
    source_kind="",
    collected_on=None,
    collected_by="",
    meeting=None,
    firm_name="",
    firm_uscc="",
    contact="",
):
    """An item collected through any channel; it waits for verification and triage."""
    if enterprise is None and not firm_name:
        raise AppealError(_l("An item needs the enterprise concerned."))
    summary = (summary or "").strip()
    if not summary:
        raise AppealError(_l("Summarise the appeal in one line."))
    channel = Channel(channel)
    if channel not in (Channel.portal_record, Channel.online_form) and not collected_by.strip():
        raise AppealError(_l("Say who collected the item."))
    moment = clock.now_utc()
    referral = AppealReferral(
        enterprise=enterprise,
        firm_name=(firm_name or "").strip()[:200],
        firm_uscc=(firm_uscc or "").strip().upper()[:18],
        contact=(contact or "").strip()[:200],
        summary=summary[:200],
        details=details or "",
        category=AppealCategory(category),
        channel=channel,
        source_kind=source_kind,
        collected_on=collected_on or clock.local_date(moment),
        collected_by=(collected_by or getattr(by, "name", "") or "").strip()[:120],
        meeting=meeting,
        register_ref=_check_ref((register_ref or "").strip() or None),
        register_url=(register_url or "").strip(),
        status=AppealStatus.referred,
        created_by_id=getattr(by, "id", None),
        created_dt=moment,
        status_changed_dt=moment,
        status_changed_by_id=getattr(by, "id", None),
        stage_due_date=deadlines.due_date(None, AppealStatus.referred.value, moment),
    )
    db.session.add(referral)
    db.session.add(
        AppealEvent(
            referral=referral,
            kind="status",
            from_status=None,
            to_status=AppealStatus.referred.value,
            note=str(referral.channel_label),
            by_id=getattr(by, "id", None),
            created_dt=moment,
        )
    )
    log("appeal_referral.create", referral, by=by, summary=referral.summary)
    url = url_for("appeals.referral", referral_id=referral.id)
    if enterprise is not None:
        notify(
            permissions.acting_firm_users(enterprise),
            _l("Your appeal was recorded in the appeal register: %(summary)s"),
            url=url,
            summary=referral.summary,
        )
    notify(
        [u for u in staff_users() if u.id != getattr(by, "id", None)],
        _l("New appeal item to verify: %(summary)s"),
        url=url,
        summary=referral.summary,
    )
    _reindex(referral)
    return referral


def duplicates_of(referral, limit: int = 10) -> list[AppealReferral]:
    """Open items of the same firm (by enterprise or USCC) that may be the same appeal."""
    same_firm = []
    if referral.enterprise_id is not None:
        same_firm.append(AppealReferral.enterprise_id == referral.enterprise_id)
    uscc = referral.firm_uscc or (referral.enterprise.uscc if referral.enterprise else "")
    if uscc:
        same_firm.append(AppealReferral.firm_uscc == uscc)
    if not same_firm:
        return []
    # Each condition by its own index, then united: with OR the planner read the whole register.
    of_firm = union(*(select(AppealReferral.id).where(condition) for condition in same_firm))
    return db.session.scalars(
        select(AppealReferral)
        .where(
            AppealReferral.id.in_(of_firm),
            AppealReferral.id != referral.id,
            AppealReferral.status.not_in((AppealStatus.closed, AppealStatus.merged)),
        )
        .order_by((AppealReferral.category == referral.category).desc(), AppealReferral.id)
        .limit(limit)
    ).all()


def merge(referral, into, *, by):
    if into is None or into.id == referral.id or not into.is_open:
        raise AppealError(_l("Choose an open item to merge into."))
    if into not in duplicates_of(referral, limit=100):
        raise AppealError(_l("Only an open item of the same enterprise can be merged into."))
    referral.merged_into = into
    transition(referral, AppealStatus.merged, by, note=f"→ #{into.id} {into.summary}")
    db.session.add(
        AppealEvent(
            referral=into,
            kind="progress",
            note=str(_l("Merged with item #%(id)s: %(summary)s", id=referral.id,
                        summary=referral.summary)),
            by_id=by.id,
        )
    )  # fmt: skip
    return into


def triage(referral, *, by, category, tier, tier_reason, route, enterprise=None):
    """Verification (核实) and classification: category, tier with its reason, route."""
    tier = Tier(int(tier))
    route = Route(route)
    tier_reason = (tier_reason or "").strip()
    if not tier_reason:
        raise AppealError(_l("Give the reason for the tier."))
    if enterprise is not None:
        referral.enterprise = enterprise
    if referral.enterprise is None:
        raise AppealError(_l("Link the item to a registered enterprise before triage."))
    referral.category = AppealCategory(category)
    referral.tier = int(tier)
    referral.tier_reason = tier_reason
    referral.route = route
    transition(referral, AppealStatus.triaged, by, note=tier_reason)
    return referral


def record_register_details(referral, *, register_ref, register_url, category, by):
    """Staff copy a city register's reference number and link (not a status change)."""
    referral.register_ref = _check_ref((register_ref or "").strip() or None, referral)
    referral.register_url = (register_url or "").strip()
    referral.category = AppealCategory(category)
    log(
        "appeal_referral.edit",
        referral,
        by=by,
        summary=referral.register_ref or "",
        data={"register_ref": referral.register_ref, "category": referral.category.value},
    )
    _reindex(referral)


def attach_files(referral, files, *, by) -> list[AppealAttachment]:
    attached = []
    for file_storage in files or []:
        if not getattr(file_storage, "filename", ""):
            continue
        try:
            stored = store_upload(file_storage, allowed_kinds=DOCUMENT_KINDS, by=by)
        except UploadRejected as error:
            raise AppealError(str(error)) from None
        attachment = AppealAttachment(referral=referral, file=stored, by_id=by.id)
        db.session.add(attachment)
        attached.append(attachment)
    return attached


def record_progress(referral, *, by, note, files=()):
    note = (note or "").strip()
    if not note:
        raise AppealError(_l("Describe the progress."))
    attached = attach_files(referral, files, by=by)
    names = ", ".join(a.file.original_name for a in attached)
    db.session.add(
        AppealEvent(
            referral=referral,
            kind="progress",
            note=f"{note}\n({names})" if names else note,
            by_id=by.id,
        )
    )
    log("appeal_referral.progress", referral, by=by, summary=note[:200])
    return referral


def record_result(referral, *, by, result, files=()):
    """The department's (or the federation's) result, with its attachments."""
    attach_files(referral, files, by=by)
    return transition(referral, AppealStatus.handled, by, result=result)


def record_evaluation(
    referral, *, by, method, timeliness, result, attitude, satisfied, comment=""
) -> AppealEvaluation:
    """评效打分; a satisfied answer lets the work team close the item, otherwise it reopens."""
    from portal.appeals.permissions import is_referral_firm_user

    method = EvaluationMethod(method)
    if method == EvaluationMethod.portal and not is_referral_firm_user(by, referral):
        raise AppealError(_l("Staff record an evaluation taken by meeting, form or survey."))
    if method != EvaluationMethod.portal and is_referral_firm_user(by, referral):
        method = EvaluationMethod.portal
    scores = [int(timeliness), int(result), int(attitude)]
    if any(not 1 <= s <= 5 for s in scores):
        raise AppealError(_l("Scores go from 1 to 5."))
    comment = (comment or "").strip()
    if not satisfied and not comment:
        raise AppealError(_l("Please say why the enterprise is not satisfied."))
    if referral.status != AppealStatus.revisited:
        raise AppealError(_l("The item is not waiting for an evaluation."))
    evaluation = AppealEvaluation(
        referral=referral,
        method=method,
        timeliness=scores[0],
        result=scores[1],
        attitude=scores[2],
        satisfied=bool(satisfied),
        comment=comment,
        by_id=by.id,
    )
    db.session.add(evaluation)
    target = AppealStatus.satisfied if satisfied else AppealStatus.reopened
    transition(referral, target, by, note=comment)
    if satisfied:
        notify(
            [u for u in staff_users() if u.id != by.id],
            _l("The enterprise is satisfied; the item can be closed: %(summary)s"),
            url=url_for("appeals.referral", referral_id=referral.id),
            summary=referral.summary,
        )
    return evaluation


def close(referral, *, by, note=""):
    """销号: only after a satisfied evaluation (the state table enforces it)."""
    evaluation = referral.latest_evaluation
    if evaluation is None or not evaluation.satisfied:
        raise AppealError(_l("An item is closed only after the enterprise is satisfied."))
    return transition(referral, AppealStatus.closed, by, note=note)
