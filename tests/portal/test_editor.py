"""The long-text editor: server preview, static script under the strict CSP, no syntax hints."""

from portal.core.i18n import ROOT


def test_preview_renders_like_the_page_and_stays_sanitised(client, dummy_law):
    html = client.post(
        "/preview",
        data={"text": "**注意**\n\n依据《民法典》第五百七十七条<script>alert(1)</script>"},
    ).get_data(as_text=True)
    assert "<strong>注意</strong>" in html
    assert f'href="/laws/{dummy_law.id}/577"' in html
    assert "<script" not in html
    assert client.post("/preview", data={"text": "字" * 20001}).status_code == 413


def test_every_page_loads_the_editor_from_a_static_file_with_its_labels(client):
    response = client.get("/account/register/enterprise")
    page = response.get_data(as_text=True)
    assert '<script src="/static/editor.js"></script>' in page
    assert 'data-bold="加粗"' in page and 'data-statute="引用法条"' in page
    assert (
        "'unsafe-inline'"
        not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_no_form_tells_people_to_type_markup(app, client):
    """Hints speak of the toolbar and plain citations, never of Markdown or [[…]] syntax."""
    from babel.messages.pofile import read_po

    from portal.core.i18n import TRANSLATION_AREAS

    for area in TRANSLATION_AREAS:
        with (ROOT / area / "translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as f:
            for message in read_po(f):
                text = message.string if isinstance(message.string, str) else ""
                assert "Markdown" not in text and "[[" not in text, (area, message.id)
