"""Statute articles as public search documents (kind "law_article")."""

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from knowledge.laws.models import OFFICIAL_PREFIX, Law, LawArticle
from portal.core import clock
from portal.core.db import db

KIND = "law_article"

# The legal area (portal.core.reference.LEGAL_CATEGORIES) each law mostly belongs to, for facets.
LAW_CATEGORIES = {
    "民法典": "contract",
    "仲裁法": "contract",
    "保障中小企业款项支付条例": "contract",
    "劳动合同法": "employment",
    "劳动法": "employment",
    "劳动争议调解仲裁法": "employment",
    "社会保险法": "employment",
    "劳动合同法实施条例": "employment",
    "工伤保险条例": "employment",
    "保障农民工工资支付条例": "employment",
    "公司法": "corporate",
    "合伙企业法": "corporate",
    "建筑法": "construction",
    "招标投标法": "construction",
    "招标投标法实施条例": "construction",
    "建设工程质量管理条例": "construction",
    "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）": "construction",
    "反不正当竞争法": "ip",
    "商标法": "ip",
    "专利法": "ip",
    "著作权法": "ip",
    "税收征收管理法": "tax",
    "企业所得税法": "tax",
    "企业破产法": "bankruptcy",
    "民事诉讼法": "enforcement",
    "行政许可法": "administrative",
    "行政复议法": "administrative",
    "行政处罚法": "administrative",
    "行政诉讼法": "administrative",
    "行政强制法": "administrative",
    "优化营商环境条例": "administrative",
    "市场主体登记管理条例": "administrative",
    "企业信息公示暂行条例": "credit_repair",
    "中小企业促进法": "finance",
    "电子商务法": "compliance",
    "消费者权益保护法": "compliance",
    "产品质量法": "compliance",
    "安全生产法": "compliance",
    "个人信息保护法": "compliance",
    "数据安全法": "compliance",
}


def law_category(title: str) -> str:
    return LAW_CATEGORIES.get(title.removeprefix(OFFICIAL_PREFIX), "other")


def document_for(article: LawArticle) -> dict:
    law = article.law
    return {
        "kind": KIND,
        "id": article.id,
        "title": f"{law.short_title} {article.label}",
        "body": f"{article.text}\n{article.chapter}",
        "url": url_for("laws.article", law_id=law.id, number=article.number),
        "date": clock.day_start_utc(law.effective) if law.effective else None,
        "category": law_category(law.title),
        "industry": "",
        "access": ["public"],
        "tags": [f"law:{law.id}"],
        "law": law.title,
        "number": article.number,
    }


def load_document(article_id):
    article = db.session.get(LawArticle, article_id)
    return document_for(article) if article is not None else None


def load_documents(article_ids):
    """{id: document} of the articles that exist, their laws joined: one statement (a search
    loads the dense retriever's candidates the index did not return while the page waits)."""
    articles = db.session.scalars(
        select(LawArticle)
        .options(joinedload(LawArticle.law))
        .where(LawArticle.id.in_(list(article_ids)))
    )
    return {article.id: document_for(article) for article in articles}


def iter_ids():
    return db.session.scalars(select(LawArticle.id).order_by(LawArticle.id)).all()


def law_ids():
    return db.session.scalars(select(Law.id)).all()
