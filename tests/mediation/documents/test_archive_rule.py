"""The mediation workflow refuses to archive a case whose dossier is incomplete."""

import pytest

from mediation import operations
from mediation.models import CaseStatus


def test_archiving_is_refused_while_a_document_is_missing_and_lists_it(create_case, dummy_staff):
    case = create_case(state="return_visited")
    case.agreement.performance_deadline = None
    with pytest.raises(operations.TransitionRefused) as refused:
        operations.transition(case, CaseStatus.archived, dummy_staff)
    assert any("履行期限" in problem for problem in refused.value.errors["archive"])
    assert case.status == CaseStatus.return_visited
    assert case.dossier_number is None


def test_a_complete_case_is_archived_with_a_dossier_number(create_case, dummy_staff):
    case = create_case(state="return_visited")
    operations.transition(case, CaseStatus.archived, dummy_staff)
    assert case.status == CaseStatus.archived
    assert case.dossier_number
