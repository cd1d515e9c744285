def test_pages_render(client, login, dummy_staff, dummy_checkup):
    login(dummy_staff)
    for url in [
        "/checkups",
        "/checkups/new",
        "/checkups/batch",
        "/checkups/calendar",
        "/checkups/calendar?view=month",
        "/checkups/checklist",
        "/checkups/stats",
        f"/checkups/{dummy_checkup.id}",
        f"/checkups/{dummy_checkup.id}/report",
        f"/checkups/{dummy_checkup.id}/report.docx",
        f"/checkups/{dummy_checkup.id}/invite.ics",
        "/checkups/stats.xlsx",
        "/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.data[:3000])
