"""Laws and their articles; an article's stable key is (law title, number)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow

OFFICIAL_PREFIX = "中华人民共和国"


def short_title(title: str) -> str:
    """民法典 for 中华人民共和国民法典: how people cite a law."""
    return title.removeprefix(OFFICIAL_PREFIX) or title


class Law(db.Model):
    __tablename__ = "laws"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    # law, administrative_regulation, judicial_interpretation (as in the source data)
    kind: Mapped[str] = mapped_column(String(40), default="law")
    effective: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(300), default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    articles: Mapped[list["LawArticle"]] = relationship(
        back_populates="law", order_by="LawArticle.number", cascade="all, delete-orphan"
    )

    @property
    def short_title(self) -> str:
        """民法典 for 中华人民共和国民法典: how people cite it."""
        return short_title(self.title)

    def __str__(self):
        return self.title


class LawArticle(db.Model):
    __tablename__ = "law_articles"
    __table_args__ = (UniqueConstraint("law_id", "number", name="uq_law_articles_law_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(40))
    # Heading path above the article, parts joined with " / "; "" when the law has no chapters.
    chapter: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    law: Mapped[Law] = relationship(back_populates="articles")

    @property
    def citation(self) -> str:
        return f"{self.law.short_title}{self.label}"

    def preview(self, length: int = 120) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= length else text[: length - 1] + "…"

    def __str__(self):
        return f"{self.law.title} {self.label}"


class LawArticleVector(db.Model):
    """An article's embedding for dense retrieval (knowledge.search.dense), made at import.

    model says which embedder and passage format made it (vectors of another model are not
    used); digest is the SHA-256 of the passage it was made from (a changed article is embedded
    again). vector: float16 values, the embedder's dim of them.
    """

    __tablename__ = "law_article_vectors"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("law_articles.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
