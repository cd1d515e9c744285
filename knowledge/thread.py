"""What the question page shows below the question: its files, its messages with theirs, and its
timeline, read as plain rows of one statement.

The page read them as three lazy loads of objects (attachments with their files, messages,
events), each a statement of its own and a tenth of the page's time in the ORM; the template
only prints them. Their authors' names come with them (the timeline's people were loaded one by
one when not already in the session).
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import DateTime, String, bindparam, cast, literal_column, null, select, union_all

from knowledge.models import (
    MESSAGE_KIND_LABELS,
    STATUS_LABELS,
    QuestionAttachment,
    QuestionEvent,
    QuestionMessage,
)
from portal.accounts.models import User
from portal.core.db import db
from portal.core.models import StoredFile


@dataclass(frozen=True, slots=True)
class ThreadFile:
    id: int  # the attachment's (its address: knowledge.attachment)
    name: str  # the file's name as uploaded


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    id: int
    kind: str  # a MessageKind's value
    kind_label: str
    author: str
    created_dt: datetime
    body: str
    files: list[ThreadFile]


@dataclass(frozen=True, slots=True)
class ThreadEvent:
    created_dt: datetime
    to_label: str
    by: str | None  # who, None for the system
    note: str


@dataclass
class Thread:
    files: list[ThreadFile] = field(default_factory=list)  # sent with the question itself
    messages: list[ThreadMessage] = field(default_factory=list)
    events: list[ThreadEvent] = field(default_factory=list)


@functools.cache
def _thread_statement():
    """Attachments ('a'), events ('e') and messages ('m') of one question (run with its id), each
    part in id order (as the relationships order them), in one statement built once. The first
    part sets the columns' names and types: (part, row_id, message_id, code, text, created_dt, name)."""
    question_id = bindparam("question_id")
    files = (
        select(
            literal_column("'a'").label("part"),
            QuestionAttachment.id.label("row_id"),
            QuestionAttachment.message_id,
            cast(null(), String).label("code"),
            StoredFile.original_name.label("text"),
            cast(null(), DateTime).label("created_dt"),
            cast(null(), String).label("name"),
        )
        .join(StoredFile, StoredFile.id == QuestionAttachment.file_id)
        .where(QuestionAttachment.question_id == question_id)
    )
    events = (
        select(
            literal_column("'e'"),
            QuestionEvent.id,
            null(),
            QuestionEvent.to_status,
            QuestionEvent.note,
            QuestionEvent.created_dt,
            User.name,
        )
        .outerjoin(User, User.id == QuestionEvent.by_id)
        .where(QuestionEvent.question_id == question_id)
    )
    messages = (
        select(
            literal_column("'m'"),
            QuestionMessage.id,
            null(),
            QuestionMessage.__table__.c.kind,
            QuestionMessage.body,
            QuestionMessage.created_dt,
            User.name,
        )
        .join(User, User.id == QuestionMessage.author_id)
        .where(QuestionMessage.question_id == question_id)
    )
    return union_all(files, events, messages).order_by(
        literal_column("part"), literal_column("row_id")
    )


def question_thread(question_id: int) -> Thread:
    """The question's files, messages and timeline, labels in the request's language. Read
    through the session's connection (the ORM's result machinery is not needed for rows; the
    pages that show it have nothing unsaved to flush)."""
    thread = Thread()
    files_of: dict[int, list[ThreadFile]] = {}
    kind_labels, status_labels = {}, {}
    found = db.session.connection().execute(_thread_statement(), {"question_id": question_id})
    # Attachments come first: each message's files are known when the message comes.
    for part, row_id, message_id, code, text, created_dt, name in found.all():
        if part == "a":
            kept = thread.files if message_id is None else files_of.setdefault(message_id, [])
            kept.append(ThreadFile(row_id, text))
        elif part == "e":
            if code not in status_labels:
                status_labels[code] = str(STATUS_LABELS.get(code, code))
            thread.events.append(ThreadEvent(created_dt, status_labels[code], name, text))
        else:
            if code not in kind_labels:
                kind_labels[code] = str(MESSAGE_KIND_LABELS[code])
            thread.messages.append(
                ThreadMessage(
                    row_id,
                    code,
                    kind_labels[code],
                    name,
                    created_dt,
                    text,
                    files_of.get(row_id, []),
                )
            )
    return thread
