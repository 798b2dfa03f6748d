"""The project's loop: one table of (state, action) → state over the stages of an investment project.

    登记 ──在谈──> 在谈 ──签约──> 签约 ──> 注册 ──> 供地 ──> 开工 ──> 竣工 ──> 投产 ──> 达产/上规
                         (from 签约 on, a later stage may come first: a 技改 needs no 供地)
    any stage before 投产 ──暂停──> 暂停 ──(the stage it stopped at, or a later one)──> …
    any stage before 投产, 暂停 ──终止──> 终止/流失 ──签约/在谈──> (a lost project won back)
    签约 and later: 增资扩产 and 变更投资方 keep the stage (they count, see counting.py)

Every action but 登记 is taken only when the 招商局 approves a stage report (services.approve_stage):
only reviewed stages move a project.
"""

from __future__ import annotations

from django.db import models

from loop.machine import Machine


class State(models.TextChoices):
    NEW = "new", "待审核"
    NEGOTIATING = "negotiating", "在谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册"
    LAND = "land", "供地"
    STARTED = "started", "开工"
    COMPLETED = "completed", "竣工"
    PRODUCING = "producing", "投产"
    FULL = "full", "达产/上规"
    PAUSED = "paused", "暂停"
    TERMINATED = "terminated", "终止/流失"


class Action(models.TextChoices):
    REGISTER = "register", "登记项目"
    NEGOTIATE = "negotiate", "在谈"
    SIGN = "sign", "签约"
    INCORPORATE = "incorporate", "注册"
    GRANT_LAND = "grant_land", "供地"
    START = "start", "开工"
    COMPLETE = "complete", "竣工"
    PRODUCE = "produce", "投产"
    REACH_FULL = "reach_full", "达产/上规"
    PAUSE = "pause", "暂停"
    TERMINATE = "terminate", "终止/流失"
    UPGRADE = "upgrade", "增资扩产"
    CHANGE_INVESTOR = "change_investor", "变更投资方"


# The milestones in order, each with the action that reaches it.
MILESTONES: tuple[tuple[State, Action], ...] = (
    (State.NEGOTIATING, Action.NEGOTIATE),
    (State.SIGNED, Action.SIGN),
    (State.REGISTERED, Action.INCORPORATE),
    (State.LAND, Action.GRANT_LAND),
    (State.STARTED, Action.START),
    (State.COMPLETED, Action.COMPLETE),
    (State.PRODUCING, Action.PRODUCE),
    (State.FULL, Action.REACH_FULL),
)
ORDER: dict[str, int] = {state.value: i for i, (state, _) in enumerate(MILESTONES)}
STATE_OF: dict[str, State] = {action.value: state for state, action in MILESTONES}
# What a stage report may declare: every action but 登记.
STAGE_ACTIONS = tuple(a for a in Action if a != Action.REGISTER)
# Pausing or losing a project is a thing of the way there: a producing project is an enterprise.
BEFORE_PRODUCTION = (State.NEW, *[s for s, _ in MILESTONES[: ORDER[State.PRODUCING]]])
SIGNED_ON = tuple(s for s, _ in MILESTONES[ORDER[State.SIGNED] :])


def _table() -> dict[tuple[State | None, Action], State]:
    table: dict[tuple[State | None, Action], State] = {(None, Action.REGISTER): State.NEW}
    # Before signing: talks, then the signing; the signing is never skipped (it is what counts).
    for start in (State.NEW, State.NEGOTIATING):
        if start == State.NEW:
            table[(start, Action.NEGOTIATE)] = State.NEGOTIATING
        table[(start, Action.SIGN)] = State.SIGNED
    # From the signing on, forward to any later milestone.
    for i, (state, _) in enumerate(MILESTONES):
        if i < ORDER[State.SIGNED]:
            continue
        for later, action in MILESTONES[i + 1 :]:
            table[(state, action)] = later
    for state in BEFORE_PRODUCTION:
        if state != State.NEW:
            table[(state, Action.PAUSE)] = State.PAUSED
        table[(state, Action.TERMINATE)] = State.TERMINATED
    # Resuming: the stage it stopped at or a later one (checked against paused_from by the guard).
    for state, action in MILESTONES:
        table[(State.PAUSED, action)] = state
    table[(State.PAUSED, Action.TERMINATE)] = State.TERMINATED
    table[(State.TERMINATED, Action.NEGOTIATE)] = State.NEGOTIATING
    table[(State.TERMINATED, Action.SIGN)] = State.SIGNED
    for state in SIGNED_ON:
        table[(state, Action.UPGRADE)] = state
        table[(state, Action.CHANGE_INVESTOR)] = state
    table[(State.PAUSED, Action.CHANGE_INVESTOR)] = State.PAUSED
    return table


TRANSITIONS = _table()
MACHINE: Machine[State, Action] = Machine(State, Action, TRANSITIONS, item_label="项目", code="investment")


class TerminationReason(models.TextChoices):
    """终止/流失: why a project was lost (a closed list, so that losses can be counted)."""

    INVESTOR_WITHDREW = "investor_withdrew", "投资方放弃"
    MOVED_ELSEWHERE = "moved_elsewhere", "落户外地（流失）"
    FUNDS = "funds", "资金不到位"
    LAND = "land", "用地无法保障"
    ENVIRONMENT = "environment", "环保、安全或能耗不达标"
    POLICY = "policy", "产业政策调整"
    MARKET = "market", "市场变化"
    OTHER = "other", "其他"


class StallReason(models.TextChoices):
    """暂停, stalled projects and 要素保障 problems: what holds them (the one 要素 taxonomy)."""

    LAND = "land", "用地"
    APPROVAL = "approval", "审批"
    DESIGN = "design", "设计"
    FUNDS = "funds", "资金"
    UTILITIES = "utilities", "水电气"
    LABOUR = "labour", "用工"
    DEMOLITION = "demolition", "征地拆迁"
    MARKET = "market", "市场"
    OTHER = "other", "其他"


def is_forward(state: str, action: str) -> bool:
    """Whether a milestone action leads beyond (or back to) the stage a paused project stopped at."""
    target = STATE_OF.get(action)
    return target is not None and ORDER[target] >= ORDER.get(state, -1)
