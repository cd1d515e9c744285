"""Every download of a case's dossier, its ZIP and its documents is audited like a page view."""


def test_dossier_downloads_are_in_the_audit_log(client, login, dummy_case, dummy_staff, case_views):
    login(dummy_staff)
    for url, entry in (
        (f"/mediation/documents/case/{dummy_case.id}/dossier.zip", {"download": "dossier.zip"}),
        (f"/mediation/documents/case/{dummy_case.id}/dossier.docx", {"download": "dossier.docx"}),
        (f"/mediation/documents/case/{dummy_case.id}/dossier", {"document": "dossier"}),
        (
            f"/mediation/documents/case/{dummy_case.id}/docx/agreement",
            {"download": "agreement.docx"},
        ),
        (f"/mediation/documents/case/{dummy_case.id}", {"page": "documents"}),
    ):
        before = case_views(dummy_case, dummy_staff).count(entry)
        assert client.get(url).status_code == 200, url
        assert case_views(dummy_case, dummy_staff).count(entry) == before + 1, url


def test_a_refused_download_writes_no_view(
    client, login, dummy_case, create_enterprise_user, case_views
):
    stranger = create_enterprise_user()
    login(stranger)
    assert client.get(f"/mediation/documents/case/{dummy_case.id}/dossier.zip").status_code == 403
    assert case_views(dummy_case, stranger) == []
