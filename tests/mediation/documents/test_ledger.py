"""The ledger, its XLSX export, print view and the monthly report with SVG charts."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from mediation.documents import ledger as ledgers


@pytest.fixture
def march_cases(create_case, dummy_committee):
    return [
        create_case(
            committee=dummy_committee, accepted_on=date(2026, 3, 2), amount=Decimal("1000.50")
        ),
        create_case(
            committee=dummy_committee,
            accepted_on=date(2026, 3, 15),
            amount=Decimal("2000.25"),
            outcome="failed",
        ),
        create_case(
            committee=dummy_committee,
            accepted_on=date(2026, 3, 31),
            amount=None,
            state="in_mediation",
            party_names=['𠮷&<>"😀公司', "乙方"],
        ),
        # April: outside the month
        create_case(committee=dummy_committee, accepted_on=date(2026, 4, 1), amount=Decimal("9")),
    ]


def test_ledger_lists_the_period_and_totals(dummy_committee, march_cases):
    data = ledgers.build_ledger(dummy_committee, date(2026, 3, 1), date(2026, 3, 31))
    assert [r.case.id for r in data.rows] == [c.id for c in march_cases[:3]]
    totals = data.totals
    assert totals["cases"] == 3
    assert totals["amount"] == Decimal("3000.75")
    assert totals["agreements"] == 1
    assert totals["closed"] == 2
    assert totals["performed"] == 1
    assert totals["confirmations"] == 1
    assert totals["return_visits"] == 1
    first = data.rows[0].values
    assert first["number"] == march_cases[0].dossier_number
    assert first["result"] == "调解成功"
    assert first["confirmation"].startswith("已申请")
    assert data.rows[1].values["result"] == "调解不成，终止调解"


def test_ledger_xlsx_is_formatted_with_frozen_header_and_totals(dummy_committee, march_cases):
    data = ledgers.build_ledger(dummy_committee, date(2026, 3, 1), date(2026, 3, 31))
    sheet = load_workbook(BytesIO(ledgers.ledger_xlsx(data))).active
    assert sheet.freeze_panes == "B3"
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["序号", "编号", "受理日期", "当事人"]
    assert "回访" in header and "司法确认" in header and "协议履行情况" in header
    assert sheet.column_dimensions["D"].width == 36
    assert sheet["B3"].value == march_cases[0].dossier_number
    assert sheet["C3"].value == "2026年3月2日"
    assert march_cases[0].parties[0].name in sheet["D3"].value
    assert sheet["F3"].value == pytest.approx(1000.50)
    assert sheet["F3"].number_format == "#,##0.00"
    assert '𠮷&<>"😀公司' in sheet["D5"].value
    totals = [c.value for c in sheet[6]]
    assert totals[0] == "合计" and totals[1] == "3件"
    assert totals[5] == pytest.approx(3000.75)
    assert "成功1件" in totals and "回访1件" in totals
    assert sheet.max_row == 6


def test_ledger_page_print_view_and_xlsx_download(
    client, login, dummy_committee, march_cases, dummy_staff
):
    login(dummy_staff)
    args = f"committee={dummy_committee.id}&start=2026-03-01&end=2026-03-31"
    page = client.get(f"/mediation/documents/ledger?{args}").get_data(as_text=True)
    assert march_cases[0].dossier_number in page and march_cases[3].dossier_number not in page
    assert "&lt;&gt;" in page
    assert "2026年3月1日 – 2026年3月31日</caption>" in page  # the period in words, not ISO
    printed = client.get(f"/mediation/documents/ledger?{args}&print=1")
    assert printed.status_code == 200 and "print.css" in printed.get_data(as_text=True)
    xlsx = client.get(f"/mediation/documents/ledger.xlsx?{args}")
    assert xlsx.status_code == 200
    assert load_workbook(BytesIO(xlsx.data)).active["A1"].value.startswith(dummy_committee.name)


def test_bad_dates_show_an_error_not_a_500(client, login, dummy_committee, dummy_staff):
    login(dummy_staff)
    response = client.get(
        f"/mediation/documents/ledger?committee={dummy_committee.id}&start=2026-13-45&end=x"
    )
    assert response.status_code == 200
    assert "alert-danger" in response.get_data(as_text=True)
    assert client.get("/mediation/documents/report?month=2026-99").status_code == 200


def test_ledger_belongs_to_the_committee(
    client, login, dummy_committee, create_committee, create_mediator
):
    member = dummy_committee.members[1].user
    login(member)
    assert client.get("/mediation/documents/ledger").status_code == 200
    other = create_committee()
    assert client.get(f"/mediation/documents/ledger?committee={other.id}").status_code == 403
    assert client.get(f"/mediation/documents/report?committee={other.id}").status_code == 403
    stranger = login(create_mediator(), test_client=client.application.test_client())
    assert stranger.get("/mediation/documents/ledger").status_code == 403


def test_monthly_report_figures(dummy_committee, march_cases, create_committee, create_case):
    other = create_committee()
    create_case(committee=other, accepted_on=date(2026, 3, 10), amount=Decimal("500"))
    report = ledgers.monthly_report([dummy_committee, other], "2026-03")
    mine = report["rows"][0][1]
    assert mine.accepted == 3
    assert mine.concluded == 2  # closed in March: the agreement and the failure
    assert (mine.agreements, mine.failed) == (1, 1)
    assert mine.success_rate_text == "50.0%"
    assert mine.amount_accepted == Decimal("3000.75")
    assert mine.amount_agreed == Decimal("1000.50")
    assert mine.by_type == {"合同纠纷": 3}
    total = report["total"]
    assert total.accepted == 4 and total.agreements == 2
    assert total.success_rate_text == "66.7%"


def test_report_page_has_svg_charts_for_the_federation(
    client, login, dummy_committee, march_cases, dummy_staff
):
    login(dummy_staff)
    page = client.get("/mediation/documents/report?month=2026-03").get_data(as_text=True)
    assert page.count("<svg") >= 2
    assert "50.0%" in page


def test_bar_chart_escapes_labels():
    svg = ledgers.bar_chart_svg("<t>", [("a&b", 3), ("<x>", 1)])
    assert "<x>" not in svg and "&lt;x&gt;" in svg and svg.count("<rect") == 2


@pytest.mark.parametrize("bad", ["2026-3", "2026-13", "March", "", "2026-00"])
def test_parse_month_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        ledgers.parse_month(bad)


def test_parse_month():
    assert ledgers.parse_month("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))


def test_amounts_show_cents_on_the_pages(client, login, dummy_committee, march_cases, dummy_staff):
    login(dummy_staff)
    ledger = client.get(
        f"/mediation/documents/ledger?committee={dummy_committee.id}&start=2026-03-01&end=2026-03-31"
    ).get_data(as_text=True)
    assert "1,000.50" in ledger and "3,000.75" in ledger
    report = client.get(f"/mediation/documents/report?committee={dummy_committee.id}&month=2026-03")
    assert "3,000.75" in report.get_data(as_text=True)


def test_report_xlsx_holds_the_figures(client, login, dummy_committee, march_cases, dummy_staff):
    login(dummy_staff)
    response = client.get(
        f"/mediation/documents/report.xlsx?committee={dummy_committee.id}&month=2026-03"
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    row = [c.value for c in sheet[3]]
    assert row[0] == dummy_committee.name
    assert row[1:7] == [3, 2, 1, 1, 0, 0.5]
    assert row[7] == pytest.approx(3000.75) and row[8] == pytest.approx(1000.50)
    assert sheet["A4"].value == "合计"
    assert (
        sheet["A6"].value == "纠纷类型"
        and sheet["A7"].value == "合同纠纷"
        and sheet["B7"].value == 3
    )
