"""Stage documents: a name sent over the API keeps only its last part (no path into the storage)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from investment import services

from .conftest import Office, new_project, pdf

pytestmark = pytest.mark.usefixtures("clock")


@pytest.mark.parametrize("name", ["../../合同.pdf", "/etc/合同.pdf", "a/b/合同.pdf"])
def test_a_document_name_with_a_path_is_stored_by_its_last_part(office: Office, name: str) -> None:
    project = new_project(office)
    report = services.declare_stage(
        project, actor=office.clerk, data={"stage": "sign", "date": project.created_at.date()}
    )
    doc = services.add_document(
        report, actor=office.clerk, title="投资协议", file=ContentFile(pdf().read(), name=name)
    )
    assert doc.file.name.startswith("investment/")
    assert doc.file.name.rsplit("/", 1)[-1].startswith("合同")
    assert ".." not in doc.file.name
