"""A check-up is named by its firm and its day in Beijing, written as the rest of the site."""

import pytest

from portal.checkups.models import Checkup
from portal.core import clock


@pytest.mark.parametrize("header, day", [("zh-CN", "2026年12月1日"), ("en", "1 Dec 2026")])
def test_a_checkups_label_gives_its_day_in_beijing(app, create_enterprise, header, day):
    firm = create_enterprise()
    early = Checkup(enterprise=firm, start_dt=clock.local(2026, 12, 1, 7, 30))  # 11-30 UTC
    with app.test_request_context("/", headers={"Accept-Language": header}):
        assert str(early) == f"{firm.name} · {day}"
