"""A case as its citizen sees it: the state in plain words and the steps in citizen terms.

No staff names, no internal notes, no drafts: only what the citizen is told anyway (which unit
handles it, that it has been answered, the approved answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.masking import Audience, mask_personal_text
from cases.guards import refusal
from cases.models import Case, CaseEvent, Channel, Reply
from cases.services import channel_user
from cases.workflow import Action, State
from org.models import Unit

MERGED_REPLY_INTRO = "您的诉求与同类诉求合并办理，答复如下"

STATE_WORDS: dict[str, str] = {
    State.REGISTERED: "已受理，正在确定承办单位",
    State.DISPATCHED: "已派至承办单位，等待签收",
    State.IN_PROGRESS: "承办单位正在办理",
    State.PENDING_APPROVAL: "承办单位正在办理",  # the unit's internal review is not the citizen's concern
    State.SUSPENDED: "承办单位正在办理，等待相关事项结果（期间暂停计时）",
    State.REPLIED: "已答复，请您评价",
    State.CALLED_BACK: "已收到您的评价，即将办结",
    State.RECTIFYING: "已收到您的评价，承办单位正在整改",
    State.RECTIFIED: "承办单位已报告整改情况，热线中心正在核实",
    State.CLOSED: "已办结",
    State.MERGED: "与其他市民反映的同一事项合并办理",
    State.TRANSFERRED: "已转至其他平台办理",
}


@dataclass(frozen=True)
class Step:
    at: datetime
    text: str


@dataclass(frozen=True)
class CitizenView:
    case: Case
    state_words: str
    steps: list[Step]
    reply: Reply | None  # for its unit and date; show reply_body / reply_result, never reply.body
    reply_body: str
    reply_result: str
    reply_intro: str
    can_rate: bool


def _unit_names(events: list[CaseEvent]) -> dict[str, str]:
    codes = {e.payload.get("lead_unit") for e in events if e.action == Action.DISPATCH}
    codes.discard(None)
    return {u.code: u.name for u in Unit.objects.filter(code__in=codes)}


def _step_text(event: CaseEvent, units: dict[str, str]) -> str | None:
    """The citizen's wording of one event, or None when it is internal."""
    payload = event.payload or {}
    match event.action:
        case Action.REGISTER:
            return "您的诉求已受理"
        case Action.DISPATCH:
            unit = units.get(payload.get("lead_unit", ""), "承办单位")
            return f"已派至{unit}办理"
        case Action.ACCEPT:
            return "承办单位已签收，正在办理"
        case Action.RETURN:
            return "正在重新确定承办单位"
        case Action.DECIDE_EXTENSION if payload.get("approved"):
            return "因办理需要，办理期限已延长"
        case Action.APPROVE_REPLY | Action.ANSWER_AT_INTAKE:
            return "已答复"
        case Action.CALLBACK if payload.get("reached"):
            return "已回访"
        case Action.RECTIFY:
            return "已收到您的评价，已要求承办单位整改"
        case Action.VERIFY_RECTIFICATION:
            return "整改情况经热线中心核实，请您再次评价"
        case Action.CLOSE:
            return "已办结"
        case Action.REOPEN:
            return "重新办理"
        case Action.MERGE:
            return "与其他市民反映的同一事项合并办理"
        case Action.TRANSFER:
            return f"已转至{payload.get('target') or '其他平台'}办理"
        case Action.SUPERVISE:
            return "热线中心已督促承办单位加快办理"
    return None  # triage, drafts, reviews, co-handlers' notes, unanswered calls


def citizen_view(case: Case) -> CitizenView:
    events = list(case.events.order_by("seq"))
    units = _unit_names(events)
    steps = [Step(e.created_at, text) for e in events if (text := _step_text(e, units))]
    words = STATE_WORDS[case.state]
    reply = case.approved_reply
    body, result, intro = (reply.body, reply.result, "") if reply else ("", "", "")
    parent = case.parent
    if case.state == State.MERGED and parent is not None:
        # A duplicate's citizen gets the parent's answer, and its progress. That answer was
        # written to another citizen: it is shown only through the masking pass.
        words = f"{words}：{STATE_WORDS[parent.state]}"
        reply = parent.approved_reply
        if reply:
            names = _other_citizens(parent, case)
            body = mask_personal_text(reply.body, names=names, audience=Audience.CITIZEN)
            result = mask_personal_text(reply.result, names=names, audience=Audience.CITIZEN)
            intro = MERGED_REPLY_INTRO
    return CitizenView(
        case=case,
        state_words=words,
        steps=steps,
        reply=reply,
        reply_body=body,
        reply_result=result,
        reply_intro=intro,
        # The citizen's rating is the callback, taken by the mobile page's channel user: offered
        # exactly when the loop's guard would let that callback through.
        can_rate=refusal(channel_user(Channel.MOBILE), case, Action.CALLBACK) is None,
    )


def _other_citizens(parent: Case, viewer: Case) -> list[str]:
    """The names the parent's reply may address: its citizen's and its other duplicates'."""
    others = parent.duplicates.exclude(pk=viewer.pk).values_list("citizen_name", flat=True)
    own = viewer.citizen_name.strip()
    return [n for n in [parent.citizen_name, *others] if n and n.strip() != own]
