"""莫愁超市's loop: a project's need for an intermediary service, from posting to the rating.

发布 ──响应──> 响应中 ──选定──> 已选定 ──开始服务──> 服务中 ──交付──> 已交付 ──验收评价──> 已评价
 │               │ (响应 again: more agencies respond)
 └───────────────┴──撤回 (the project, with a reason)──> 已撤回
                 └──流标 (no response, or none acceptable, with a reason)──> 流标
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    PUBLISHED = "published", "发布"
    RESPONDING = "responding", "响应中"
    SELECTED = "selected", "已选定"
    SERVING = "serving", "服务中"
    DELIVERED = "delivered", "已交付"
    RATED = "rated", "已评价"
    WITHDRAWN = "withdrawn", "已撤回"
    FAILED = "failed", "流标"


class Action(models.TextChoices):
    PUBLISH = "publish", "发布需求"
    RESPOND = "respond", "响应"
    SELECT = "select", "选定中介"
    START = "start", "开始服务"
    DELIVER = "deliver", "交付"
    RATE = "rate", "验收评价"
    WITHDRAW = "withdraw", "撤回"
    FAIL = "fail", "流标"


class ServiceType(models.TextChoices):
    """The services the market offers (a closed list, so agencies and needs match)."""

    EIA = "eia", "环境影响评价（环评）"
    SAFETY = "safety", "安全评价（安评）"
    ENERGY = "energy", "节能评估（能评）"
    SURVEY = "survey", "测绘"
    DESIGN = "design", "工程设计"
    COST = "cost", "工程造价咨询"
    SUPERVISION = "supervision", "工程监理"
    TESTING = "testing", "检验检测"
    APPRAISAL = "appraisal", "资产评估"
    GEOLOGY = "geology", "地质灾害危险性评估"
    SOIL = "soil", "水土保持方案编制"
    LAND = "land", "土地勘测定界"


TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, Action.PUBLISH): State.PUBLISHED,
    (State.PUBLISHED, Action.RESPOND): State.RESPONDING,
    (State.RESPONDING, Action.RESPOND): State.RESPONDING,
    (State.RESPONDING, Action.SELECT): State.SELECTED,
    (State.SELECTED, Action.START): State.SERVING,
    (State.SERVING, Action.DELIVER): State.DELIVERED,
    (State.DELIVERED, Action.RATE): State.RATED,
    (State.PUBLISHED, Action.WITHDRAW): State.WITHDRAWN,
    (State.RESPONDING, Action.WITHDRAW): State.WITHDRAWN,
    (State.PUBLISHED, Action.FAIL): State.FAILED,
    (State.RESPONDING, Action.FAIL): State.FAILED,
}
MACHINE: Machine[State, Action] = Machine(
    State, Action, TRANSITIONS, item_label="中介服务需求", code="intermediaries"
)

OPEN_STATES = frozenset({State.PUBLISHED, State.RESPONDING})
DONE_STATES = frozenset({State.DELIVERED, State.RATED})
RATINGS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
