"""flask mediation dossier / ledger."""

from io import BytesIO

from openpyxl import load_workbook

from tests.mediation.documents.conftest import docx_text


def test_dossier_command_writes_the_docx(app, dummy_case, tmp_path):
    out = tmp_path / "d.docx"
    result = app.test_cli_runner().invoke(
        args=["mediation", "dossier", str(dummy_case.id), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = docx_text(out.read_bytes())
    assert dummy_case.dossier_number in text and dummy_case.agreement.terms in text


def test_dossier_command_refuses_unknown_case(app, tmp_path):
    runner = app.test_cli_runner()
    for case_id in ("999999", "abc"):
        result = runner.invoke(args=["mediation", "dossier", case_id, "--out", str(tmp_path / "x")])
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1
        assert "unknown case" in result.output


def test_dossier_command_reports_missing_documents(app, create_case, tmp_path):
    case = create_case(state="agreement_reached")
    result = app.test_cli_runner().invoke(
        args=["mediation", "dossier", str(case.id), "--out", str(tmp_path / "x.docx")]
    )
    assert result.exit_code != 0 and "卷宗号" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_ledger_command(app, dummy_case, tmp_path):
    out = tmp_path / "l.xlsx"
    code = dummy_case.committee.chamber.code
    result = app.test_cli_runner().invoke(
        args=["mediation", "ledger", "--committee", code, "--month", "2026-03", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(BytesIO(out.read_bytes())).active
    assert sheet["B3"].value == dummy_case.dossier_number


def test_ledger_command_bad_input(app, dummy_case, tmp_path):
    runner = app.test_cli_runner()
    code = dummy_case.committee.chamber.code
    for args, word in (
        (["--committee", code, "--month", "2026-3"], "month"),
        (["--committee", "nope", "--month", "2026-03"], "unknown committee"),
    ):
        result = runner.invoke(
            args=["mediation", "ledger", *args, "--out", str(tmp_path / "l.xlsx")]
        )
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1 and word in result.output
