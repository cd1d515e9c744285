"""One name per service: the front page's entries and the menu's items say the same, in Chinese
and in English."""

import re

import pytest

from portal.core.nav import SERVICE_NAMES

# The federation's own names (its reports say them too), and their English.
NAMES = {
    "zh_CN": {
        "questions": "企问律答",
        "mediation": "商会调解",
        "checkups": "法治体检",
        "courses": "普法讲座",
        "appeals": "涉企诉求",
        "laws": "法规库",
    },
    "en": {
        "questions": "Ask a lawyer",
        "mediation": "Chamber mediation",
        "checkups": "Legal check-ups",
        "courses": "Law lectures",
        "appeals": "Business appeals",
        "laws": "Statute library",
    },
}
# The page each service's menu item opens.
MENU_PATHS = {
    "questions": "/questions",
    "mediation": "/mediation",
    "checkups": "/checkups",
    "courses": "/lectures",
    "appeals": "/appeals",
    "laws": "/laws",
}


def _menu_links(page: str) -> dict[str, str]:
    header = page[page.index("<header") : page.index("</header>")]
    return {
        href: text.strip()
        for href, text in re.findall(
            r'<a class="site-link[^"]*"[^>]*href="([^"]+)">([^<]+)<', header
        )
    }


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_each_service_has_one_name_on_the_front_page_and_in_the_menu(
    app, client, login, dummy_staff, language
):
    names = NAMES[language]
    assert set(SERVICE_NAMES) == set(names)
    front = client.get("/", headers={"Accept-Language": language.replace("_", "-")})
    titles = re.findall(r'class="h5 d-block card-title">([^<]+)<', front.get_data(as_text=True))
    assert titles == list(names.values())
    dummy_staff.locale = language
    login(dummy_staff)
    links = _menu_links(client.get("/staff/audit").get_data(as_text=True))
    for code, name in names.items():
        assert links.get(MENU_PATHS[code]) == name, (code, links)
