"""From the record to drafts: the rules' pieces, the evaluation figures, and the review."""

from __future__ import annotations

from datetime import date

import pytest

from mochou.errors import Conflict, NotPermitted
from supervision.extract import find_deadline, find_target, is_commitment
from supervision.extract_eval import DATA, evaluate_all
from supervision.services import drafts as ds
from supervision.task_models import DraftStatus, Task
from supervision.task_workflow import TaskState
from tests.factories import City

RECORD = (DATA / "records" / "zhongxiang-standing-committee-2021-08-01.txt").read_text(encoding="utf-8")


def test_deadlines_and_targets() -> None:
    assert find_deadline("确保到2023年,园区工业总产值占比达到80%以上", 2021) == date(2023, 12, 31)
    assert find_deadline("2022年6月底前完成", None) == date(2022, 6, 30)
    assert find_deadline("年底前全面完成", 2021) == date(2021, 12, 31)
    assert find_deadline("2021年公开选聘教师进城工作", 2021) is None
    assert find_target("着力引进投资10亿元以上的主导产业项目") == "≥10亿元"
    assert find_target("不超过5%") == "≤5%"
    assert is_commitment("要打造莫愁12345热线")
    assert not is_commitment("要学习好,把传达提纲带回去")


def test_evaluation_on_the_labelled_record() -> None:
    (score,) = evaluate_all()
    assert score.commitments == 39
    assert score.precision >= 0.9
    assert score.recall >= 0.95
    assert score.deadline_right == score.target_right == score.matched


@pytest.mark.django_db
@pytest.mark.usefixtures("clock")
def test_review_merge_split_confirm(city: City) -> None:
    sup = city.users["supervisor"]
    with pytest.raises(NotPermitted):
        ds.ingest_record(actor=city.users["clerk"], title="x", text=RECORD)
    record = ds.ingest_record(actor=sup, title="市委常委会议", text=RECORD, held_on=date(2021, 8, 1))
    drafts = list(record.drafts.all())
    assert len(drafts) >= 39
    assert not Task.objects.exists()
    park = next(d for d in drafts if "80%" in d.sentence)
    assert park.deadline == date(2023, 12, 31)
    assert park.target == "≥80%"
    merged = ds.merge_drafts(drafts[:2], actor=sup)
    assert "\n" in merged.sentence
    assert record.drafts.filter(status=DraftStatus.MERGED).count() == 1
    parts = ds.split_draft(drafts[2], actor=sup, titles=["引进10亿元以上项目", "推进项目满园"])
    assert len(parts) == 2
    assert parts[1].sentence == parts[0].sentence
    ds.update_draft(park, actor=sup, title="园区工业总产值占比达到80%以上", plan=None, lead_unit=city.housing,
                    deadline=date(2023, 12, 31), target="≥80%")  # fmt: skip
    task = ds.confirm_draft(park, actor=sup, leader=city.users["leader"])
    assert task.state == TaskState.APPROVED
    assert task.source_text == park.sentence
    assert task.lead_unit == city.housing
    assert task.target_text == "≥80%"
    with pytest.raises(Conflict):
        ds.confirm_draft(park, actor=sup)
