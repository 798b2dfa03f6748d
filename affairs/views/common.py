"""What the pages share: reading an application a user may see, its timeline, its countdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404

from affairs.models import Application, ApplicationEvent
from affairs.services.applications import CLOCKS
from affairs.workflow import Action
from loop.deadlines import DeadlineStatus

# How the applicant's page speaks of each step.
CITIZEN_WORDS: dict[str, str] = {
    Action.SUBMIT: "已申报，等待窗口预审",
    Action.NOTIFY: "窗口一次性告知需补正的材料",
    Action.CORRECT: "已补正材料，等待窗口受理",
    Action.ACCEPT: "已受理，转部门审批",
    Action.REFUSE: "不予受理",
    Action.APPROVE_STEP: "部门审批中",
    Action.GRANT: "办结：准予",
    Action.DENY: "办结：不予许可",
    Action.DELIVER: "已出件",
    Action.WITHDRAW: "已撤回",
    Action.RATE: "已评价，感谢您的反馈",
    Action.RATE_POOR: "已收到您的差评，部门整改中",
    Action.RECTIFY: "部门已整改反馈",
}


def visible(user: Any) -> Any:
    return Application.objects.visible_to(user).select_related("matter", "department", "applicant", "joint")


def application_for(user: Any, number: str) -> Application:
    app: Application = get_object_or_404(visible(user), number=number)
    return app


@dataclass(frozen=True)
class Row:
    app: Application
    deadline: DeadlineStatus | None


def rows(apps: list[Application], now: datetime) -> list[Row]:
    return [Row(a, CLOCKS.shown(a, now)) for a in apps]


def events(app: Application) -> list[ApplicationEvent]:
    return list(app.events.select_related("actor", "actor_unit").order_by("seq"))
