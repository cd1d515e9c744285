"""The page shell's cached fragments (portal.core.shell): each user still sees their own menu,
in their own language, with their own section marked, and the footer follows the settings."""

import re


def _header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


def test_an_enterprise_after_staff_sees_its_own_menu_not_the_cached_staff_menu(
    app, client, login, dummy_staff, dummy_enterprise_user
):
    login(dummy_staff)
    staff_header = _header(client.get("/").get_data(as_text=True))
    assert "/staff/audit" in staff_header

    firm = login(dummy_enterprise_user, app.test_client())
    firm_header = _header(firm.get("/").get_data(as_text=True))
    assert "/staff/audit" not in firm_header and "/dashboard" not in firm_header
    assert dummy_enterprise_user.name in firm_header and dummy_staff.name not in firm_header
    # and the staff member's menu was not replaced by the firm's
    assert "/staff/audit" in _header(client.get("/").get_data(as_text=True))


def test_the_same_menu_in_the_other_language_is_rendered_in_that_language(app, client, dummy_staff):
    chinese = _header(client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    english = _header(
        app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    )
    assert "主导航" in chinese and "Main navigation" not in chinese
    assert "Main navigation" in english and "主导航" not in english
    assert re.search(r">\s*知识库\s*<", chinese) and re.search(r">\s*Knowledge base\s*<", english)


def test_the_current_section_is_marked_on_each_page_not_the_first_one_cached(
    client, login, dummy_staff
):
    login(dummy_staff)
    marked = re.compile(r'<a class="site-link active" aria-current="page" href="([^"]+)"')
    assert marked.findall(_header(client.get("/staff/audit").get_data(as_text=True))) == [
        "/staff/audit"
    ]
    assert marked.findall(_header(client.get("/account/staff/users").get_data(as_text=True))) == [
        "/account/staff/users"
    ]
    assert marked.findall(_header(client.get("/").get_data(as_text=True))) == []


def test_the_footer_follows_a_change_of_the_federations_contact_details(app, client):
    client.get("/")
    saved = app.config.get("FEDERATION_HOTLINE")
    app.config["FEDERATION_HOTLINE"] = "024-2345-6789"
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        app.config["FEDERATION_HOTLINE"] = saved
    assert 'href="tel:02423456789"' in page
    assert 'href="tel:02423456789"' not in client.get("/").get_data(as_text=True)


def test_every_page_still_carries_its_csrf_token_for_the_editor(client, login, dummy_staff):
    login(dummy_staff)
    page = client.get("/").get_data(as_text=True)
    config = re.search(r'<div id="editor-config" hidden data-csrf="([^"]*)"([^>]*)>', page)
    assert config and 'data-preview-url="/preview"' in config.group(2)


def test_the_style_sheets_follow_where_the_portal_is_mounted(app, client):
    def head(**kwargs):
        page = client.get("/about", **kwargs).get_data(as_text=True)
        return page[page.index("<head>") : page.index("</head>")]

    mounted = head(base_url="http://localhost/portal/")
    assert 'href="/portal/static/portal.css"' in mounted
    assert 'href="/portal/bootstrap/static/css/bootstrap.min.css"' in mounted
    at_root = head()
    assert 'href="/static/portal.css"' in at_root
    assert 'href="/bootstrap/static/css/bootstrap.min.css"' in at_root


def test_the_shells_own_links_follow_where_the_portal_is_mounted(app, client, login, dummy_staff):
    login(dummy_staff)
    mounted = client.get("/about", base_url="http://localhost/portal/").get_data(as_text=True)
    for address in ("/", "/inbox", "/account/profile", "/account/logout", "/language"):
        assert f'"/portal{address}"' in mounted
    assert 'src="/portal/static/editor.js"' in mounted
    at_root = app.test_client().get("/about").get_data(as_text=True)
    assert 'href="/account/login"' in at_root and 'action="/language"' in at_root
    assert 'src="/static/editor.js"' in at_root and "/portal/" not in at_root
