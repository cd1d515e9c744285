"""Accounts that only one browser test uses, added to the shared e2e server's database.

Run as `python -m tests.e2e.seed` with the server's environment; prints the e-mails as JSON.
The firm is in industry T (国际组织) and its lawyer serves only T, so the demo's lawyers (who
never serve S or T) cannot take the question this test asks.
"""

import json

PASSWORD = "e2e-password-123"


def seed() -> dict:
    import portal
    from portal.accounts.models import Enterprise, LawyerProfile, Role, User, Verification
    from portal.accounts.passwords import hash_password
    from portal.core.db import db
    from portal.core.models import LegalCategory
    from portal.core.reference import make_uscc

    app = portal.create_app()
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        firm = Enterprise(
            name="沈阳恒信机械制造有限公司",
            uscc=make_uscc(4754),
            industry="T",
            size_class="small",
            verification=Verification.verified,
        )
        people = {
            "enterprise": User(
                email="e2e-firm@example.com", name="王建华", role=Role.enterprise, enterprise=firm
            ),
            "lawyer": User(email="e2e-lawyer@example.com", name="李律师", role=Role.lawyer),
        }
        contract = db.session.query(LegalCategory).filter_by(code="contract").one()
        people["lawyer"].lawyer_profile = LawyerProfile(
            law_firm="辽宁正和律师事务所",
            certificate_no="E2E0000000000001",
            industries="T",
            weekly_capacity=5,
            specialities=[contract],
        )
        for user in people.values():
            user.password_hash = password_hash
            user.verification = Verification.verified
            db.session.add(user)
        db.session.commit()
        return {role: user.email for role, user in people.items()}


if __name__ == "__main__":
    print(json.dumps(seed()))
