"""Decision tasks in each state of their loop, reached through the verbs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from supervision.services import tasks as svc
from supervision.task_models import Task
from supervision.task_workflow import TaskState
from tests.factories import City

S = TaskState
REPORT = "已完成项目摸底和方案制定，正在组织实施，本月完成阶段目标。"
CLOSE = "各项工作已按要求全部完成，形成了长效机制，特申请办结。"
EVIDENCE = "《关于印发实施方案的通知》钟政办发〔2025〕12号；工作台账"


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def far_deadline() -> date:
    return (timezone.localtime() + timedelta(days=60)).date()


def task_in(city: City, state: TaskState, **kwargs: object) -> Task:
    sup, clerk, leader = city.users["supervisor"], city.users["clerk"], city.users["leader"]
    task = svc.create_task(
        actor=sup,
        title="着力引进投资10亿元以上的主导产业项目",
        lead_unit=city.housing,
        co_units=[city.education],
        leader=leader,
        approve=state != S.DRAFT,
        **kwargs,  # type: ignore[arg-type]
    )
    if state in (S.DRAFT, S.APPROVED):
        return fresh(task)
    svc.assign_task(task, actor=sup, deadline=far_deadline())
    if state == S.ASSIGNED:
        return fresh(task)
    if state == S.ADJUSTING:
        svc.request_adjust(task, actor=clerk, reason="该事项主要由市招商中心负责")
        return fresh(task)
    svc.sign_task(task, actor=clerk)
    if state == S.IN_PROGRESS:
        return fresh(task)
    svc.request_close(task, actor=clerk, body=CLOSE, evidence=EVIDENCE)
    if state == S.CLOSE_REQUESTED:
        return fresh(task)
    svc.first_review(task, actor=sup)
    if state == S.LEADER_REVIEW:
        return fresh(task)
    svc.final_review(task, actor=leader)
    assert state == S.CLOSED
    return fresh(task)


def deadline_of(task: Task) -> datetime:
    assert task.deadline is not None
    return task.deadline


def assigned_of(task: Task) -> datetime:
    assert task.assigned_at is not None
    return task.assigned_at
