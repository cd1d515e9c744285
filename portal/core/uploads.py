"""Uploads: size and type checked by content, stored under random names, served through views."""

import errno
import hashlib
import os
import secrets
import zipfile
from io import BytesIO
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l

from portal.core.db import db
from portal.core.models import StoredFile

# kind -> content type; detection is by magic bytes, never by the file name.
KINDS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
    "text": "text/plain",
}
DOCUMENT_KINDS = {"pdf", "png", "jpeg", "docx", "xlsx"}


class UploadRejected(ValueError):
    """The upload is not accepted; str(exc) is a message for the user."""


def detect_kind(head: bytes, data_for_zip: bytes | None = None) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return "mp3"
    if head.startswith(b"PK\x03\x04") and data_for_zip is not None:
        try:
            names = zipfile.ZipFile(BytesIO(data_for_zip)).namelist()
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if text.lstrip().startswith("WEBVTT"):
        return "vtt"
    if "-->" in text and text.lstrip()[:1].isdigit():
        return "srt"
    if "\x00" not in text:
        return "text"
    return None


class StorageFull(UploadRejected):
    """The store has no room (disk full, quota): nothing was kept; the user may try later."""


_FULL = _l(
    "The server has no room to store this file just now. Nothing was saved; please try again later."
)


class LocalStorage:
    """Files in a folder outside static (the default; one host only, or a shared mount)."""

    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def save(self, key: str, data: bytes):
        """Write to a temporary file, then rename: a reader never sees half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{key}.part")
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull(_FULL) from exc
            raise

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str):
        self._path(key).unlink(missing_ok=True)

    def iter_keys(self):
        """Every stored key (for backups)."""
        for path in sorted(self.root.glob("??/*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.name


class S3Storage:
    """Any S3-compatible object store (AWS S3, MinIO, Ceph RGW ...) through boto3."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url=None,
        region=None,
        access_key=None,
        secret_key=None,
        prefix: str = "",
    ):
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}),
        )

    def save(self, key: str, data: bytes):
        from botocore.exceptions import ClientError

        # A PUT is atomic: the object exists whole or not at all.
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("QuotaExceeded", "EntityTooLarge", "InsufficientStorage"):
                raise StorageFull(_FULL) from exc
            raise

    def read(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from exc
            raise
        return response["Body"].read()

    def delete(self, key: str):
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def iter_keys(self):
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]


def make_storage(config):
    """The store the configuration asks for: UPLOAD_STORAGE=local (default) or s3."""
    kind = (config.get("UPLOAD_STORAGE") or "local").lower()
    if kind == "s3":
        return S3Storage(
            config["S3_BUCKET"],
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            access_key=config.get("S3_ACCESS_KEY_ID"),
            secret_key=config.get("S3_SECRET_ACCESS_KEY"),
            prefix=config.get("S3_PREFIX") or "",
        )
    if kind != "local":
        raise RuntimeError(f"UPLOAD_STORAGE must be 'local' or 's3', not {kind!r}")
    return LocalStorage(config["UPLOAD_DIR"])


def storage():
    """The app's upload store, made once per app (a boto3 client is thread-safe)."""
    app = current_app._get_current_object()
    store = app.extensions.get("portal.storage")
    if store is None:
        store = app.extensions["portal.storage"] = make_storage(app.config)
    return store


def store_upload(
    file_storage, *, allowed_kinds, by=None, max_bytes: int | None = None
) -> StoredFile:
    """Validate and keep an uploaded werkzeug FileStorage; raise UploadRejected with a message."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise UploadRejected(_l("No file was uploaded."))
    data = file_storage.read()
    return store_bytes(
        data, file_storage.filename, allowed_kinds=allowed_kinds, by=by, max_bytes=max_bytes
    )


def store_bytes(
    data: bytes, original_name: str, *, allowed_kinds, by=None, max_bytes=None
) -> StoredFile:
    max_bytes = max_bytes or current_app.config["MAX_CONTENT_LENGTH"]
    if not data:
        raise UploadRejected(_l("The file is empty."))
    if len(data) > max_bytes:
        raise UploadRejected(
            _l("The file is larger than %(mb)s MB.", mb=max_bytes // (1024 * 1024) or 1)
        )
    kind = detect_kind(data[:512], data)
    if kind not in allowed_kinds:
        raise UploadRejected(
            _l(
                "This type of file is not accepted here. Accepted: %(kinds)s.",
                kinds=", ".join(sorted(allowed_kinds)),
            )
        )
    key = secrets.token_hex(20)
    storage().save(key, data)
    stored = StoredFile(
        storage_key=key,
        original_name=os.path.basename(original_name)[:255] or "file",
        content_type=KINDS[kind],
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(by, "id", None),
    )
    db.session.add(stored)
    return stored


def send_stored_file(stored: StoredFile, *, as_attachment: bool = True):
    """Serve a file; the caller has already checked permission on the object it belongs to."""
    try:
        data = storage().read(stored.storage_key)
    except FileNotFoundError:
        abort(404)
    return send_file(
        BytesIO(data),
        mimetype=stored.content_type,
        as_attachment=as_attachment,
        download_name=stored.original_name,
    )
