"""Which units the centre may dispatch a case to."""

from __future__ import annotations

import pytest

from org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_the_centre_dispatches_to_departments_and_townships_not_to_their_villages() -> None:
    department = Unit.objects.create(code="D-ZJJ", name="钟祥市住房和城乡建设局", kind=UnitKind.DEPARTMENT)
    township = Unit.objects.create(code="420881104", name="胡集镇", kind=UnitKind.TOWNSHIP)
    village = Unit.objects.create(
        code="420881104201", name="彭墩村村委会", kind=UnitKind.VILLAGE, parent=township
    )
    retired = Unit.objects.create(code="D-OLD", name="已撤并的局", kind=UnitKind.DEPARTMENT, is_active=False)
    handlers = set(Unit.objects.handlers())
    assert {department, township} <= handlers
    assert village not in handlers  # its township hands it the work
    assert retired not in handlers
    assert village.pk in township.descendant_ids()  # still in the tree, seen by its township
