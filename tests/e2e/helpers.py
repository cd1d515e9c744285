"""Users' steps in the browser, so tests read like what a person does.

    as_enterprise(page).register(name=..., email=..., enterprise_name=..., uscc=...)
    as_staff(page).log_in("staff@demo.example").verify("new@example.com")

Selectors use element ids, names and form actions, never translated text, so every step
works in both languages; tests assert the visible text of the language they expect.
"""

import re

from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD


class Visitor:
    """Anyone at the portal: open pages, switch language, log in and out."""

    def __init__(self, page: Page):
        self.page = page

    def open(self, path: str = "/"):
        self.page.goto(path)
        return self

    @property
    def main(self):
        return self.page.locator("main")

    @property
    def heading(self):
        return self.page.locator("main h1").first

    def switch_language(self):
        """Click the language switcher in the header (中文 <-> English)."""
        open_menu(self.page)
        self.page.locator("form.lang-switch button").click()
        self.page.wait_for_load_state()
        return self

    def use_language(self, lang: str):
        """Choose `lang` ("zh-CN" or "en") with the switcher, explicitly: logging in next makes
        it the account's setting, whatever earlier tests chose for that demo account."""
        if self.page.url == "about:blank":
            self.open("/")
        if self.language == lang:
            self.switch_language()
        self.switch_language()
        assert self.language == lang
        return self

    @property
    def language(self) -> str:
        return self.page.locator("html").get_attribute("lang")

    def log_in(self, email: str, password: str = DEMO_PASSWORD):
        self.page.goto("/account/login")
        self.page.locator("#email").fill(email)
        self.page.locator("#password").fill(password)
        self.main.locator("form button[type=submit]").click()
        expect(self.page.locator("form[action$='/account/logout']")).to_be_attached()
        return self

    def log_out(self):
        log_out_button(self.page).click()
        expect(self.page.locator("header a[href$='/account/login']")).to_be_visible()
        return self

    @property
    def is_logged_in(self) -> bool:
        return self.page.locator("form[action$='/account/logout']").count() > 0

    def flash(self):
        return self.page.locator("main .alert").first


class Enterprise(Visitor):
    def register(
        self,
        *,
        name: str,
        email: str,
        enterprise_name: str,
        uscc: str,
        phone: str = "13800138000",
        password: str = DEMO_PASSWORD,
        industry: str = "C",
        size_class: str = "small",
        chambers: tuple[str, ...] = (),
        address: str = "",
    ):
        """Fill in and send the enterprise registration form (chambers by visible name)."""
        page = self.page
        page.goto("/account/register")
        page.locator("main a[href$='/account/register/enterprise']").click()
        page.locator("#name").fill(name)
        page.locator("#email").fill(email)
        page.locator("#phone").fill(phone)
        page.locator("#password").fill(password)
        page.locator("#password_again").fill(password)
        page.locator("#enterprise_name").fill(enterprise_name)
        page.locator("#uscc").fill(uscc)
        page.locator("#industry").select_option(industry)
        page.locator("#size_class").select_option(size_class)
        if chambers:
            page.locator("#chambers").select_option(label=list(chambers))
        page.locator("#address").fill(address)
        self.main.locator("form button[type=submit]").click()
        return self


class Staff(Visitor):
    def open_pending_accounts(self):
        self.page.goto("/account/staff/users?status=pending")
        return self

    def verify(self, email: str):
        """Approve a pending registration from the accounts list."""
        self.open_pending_accounts()
        row = self.page.locator("main tbody tr", has_text=email)
        row.locator("button[name=decision][value=approve]").click()
        expect(self.flash()).to_be_visible()
        return self


def as_visitor(page: Page) -> Visitor:
    return Visitor(page)


def as_enterprise(page: Page) -> Enterprise:
    return Enterprise(page)


def as_staff(page: Page) -> Staff:
    return Staff(page)


def open_menu(page: Page) -> None:
    """On a narrow screen the navigation is behind "Menu" (a <details>): open it."""
    # Until the stylesheet has loaded, the toggle shows even where the CSS hides it (wide screens).
    page.wait_for_load_state("load")
    toggle = page.locator("#site-menu > summary")
    if toggle.is_visible() and not page.locator("#site-menu").evaluate("d => d.open"):
        toggle.click()


def nav_link(page: Page, href_suffix: str):
    """The header link to href_suffix, made visible: the menu and its group opened."""
    open_menu(page)
    link = page.locator(f"header nav a[href$='{href_suffix}']")
    # `has` is matched inside each group, so it names the link without the "header nav" prefix.
    group = page.locator("header details.nav-group", has=page.locator(f"a[href$='{href_suffix}']"))
    if group.count() and not group.evaluate("d => d.open"):
        group.locator("summary").click()
    return link


def log_out_button(page: Page):
    """The header's log-out button, made visible: the menu and the account's group opened."""
    open_menu(page)
    group = page.locator("header details.nav-account")
    if group.count() and not group.evaluate("d => d.open"):
        group.locator("summary").click()
    return page.locator("header form[action$='/account/logout'] button")


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)
