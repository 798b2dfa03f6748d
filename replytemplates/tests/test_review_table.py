"""The templates' review table (loop/review.py) over every (status, action) pair."""

from __future__ import annotations

import pytest

from loop.review import RevisionAction
from mochou.errors import TransitionNotAllowed
from replytemplates.models import MACHINE, TemplateStatus
from replytemplates.permissions import GUARDS

S, A = TemplateStatus, RevisionAction
MOVES = {
    (S.DRAFT, A.EDITED): S.DRAFT,
    (S.SUBMITTED, A.EDITED): S.DRAFT,
    (S.RETIRED, A.EDITED): S.DRAFT,
    (S.PUBLISHED, A.EDITED): S.PUBLISHED,
    (S.DRAFT, A.SUBMITTED): S.SUBMITTED,
    (S.SUBMITTED, A.PUBLISHED): S.PUBLISHED,
    (S.SUBMITTED, A.RETURNED): S.DRAFT,
    (S.PUBLISHED, A.RETIRED): S.RETIRED,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
def test_every_pair_moves_as_the_table_says_or_is_refused_in_chinese(status, action) -> None:
    if (status, action) in MOVES:
        assert MACHINE.next_state(status, action) == MOVES[(status, action)]
    else:
        with pytest.raises(TransitionNotAllowed, match="模板当前为") as refused:
            MACHINE.next_state(status, action)
        assert refused.value.code == "replytemplates.transition_not_allowed"


def test_every_action_of_the_table_has_its_guard() -> None:
    assert GUARDS.unguarded() == set()
