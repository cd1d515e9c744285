"""Uploads: type by content (never by name), size limit, random names outside static."""

import io
from pathlib import Path

import docx
import pytest
from flask import current_app
from werkzeug.datastructures import FileStorage

from portal.core.uploads import (
    DOCUMENT_KINDS,
    UploadRejected,
    send_stored_file,
    storage,
    store_bytes,
    store_upload,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_a_png_named_pdf_is_stored_as_the_png_it_is(app, dummy_staff):
    stored = store_upload(upload(PNG, "合同.pdf"), allowed_kinds=DOCUMENT_KINDS, by=dummy_staff)
    assert stored.kind == "png" and stored.content_type == "image/png"
    assert stored.original_name == "合同.pdf" and stored.size == len(PNG)
    assert stored.uploaded_by_id == dummy_staff.id


def test_a_pdf_is_recognised_whatever_its_name(app):
    assert store_bytes(PDF, "scan.png", allowed_kinds={"pdf"}).kind == "pdf"


def test_a_word_document_is_recognised_inside_its_zip(app):
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("劳动合同")
    document.save(buffer)
    assert store_bytes(buffer.getvalue(), "x.bin", allowed_kinds=DOCUMENT_KINDS).kind == "docx"


@pytest.mark.parametrize("name", ["setup.exe", "invoice.pdf", "photo.png"])
def test_an_executable_is_refused_whatever_its_name(app, name):
    with pytest.raises(UploadRejected, match="不接受此类文件"):
        store_upload(upload(EXE, name), allowed_kinds=DOCUMENT_KINDS)


def test_a_kind_not_allowed_here_is_refused(app):
    with pytest.raises(UploadRejected, match="pdf"):
        store_bytes(PNG, "a.png", allowed_kinds={"pdf"})


def test_an_oversize_file_is_refused_before_anything_is_written(app):
    before = list(Path(current_app.config["UPLOAD_DIR"]).rglob("*"))
    with pytest.raises(UploadRejected, match="文件超过 1 MB"):
        store_bytes(PDF + b"0" * (1024 * 1024), "big.pdf", allowed_kinds={"pdf"}, max_bytes=2**20)
    assert list(Path(current_app.config["UPLOAD_DIR"]).rglob("*")) == before


def test_empty_and_missing_uploads_are_refused(app):
    with pytest.raises(UploadRejected, match="文件为空"):
        store_upload(upload(b"", "a.pdf"), allowed_kinds={"pdf"})
    with pytest.raises(UploadRejected, match="没有上传文件"):
        store_upload(None, allowed_kinds={"pdf"})


def test_files_are_kept_under_random_names_outside_static_and_served_with_their_type(app):
    first = store_bytes(PDF, "../../etc/passwd.pdf", allowed_kinds={"pdf"})
    second = store_bytes(PDF, "same.pdf", allowed_kinds={"pdf"})
    assert first.storage_key != second.storage_key and len(first.storage_key) >= 40
    assert first.original_name == "passwd.pdf"
    path = storage()._path(first.storage_key)
    assert path.read_bytes() == PDF
    assert Path(app.static_folder) not in path.parents
    with app.test_request_context():
        response = send_stored_file(first)
        response.direct_passthrough = False
        assert response.mimetype == "application/pdf"
        assert response.get_data() == PDF
        assert "attachment" in response.headers["Content-Disposition"]


def test_a_request_over_the_size_limit_gets_a_413_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post("/account/login", data={"file": (io.BytesIO(b"x" * 4096), "a.pdf")})
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True)
