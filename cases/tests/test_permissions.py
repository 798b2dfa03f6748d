"""available_actions() must offer exactly what the services would accept: tried for every
(case situation × user × action), each attempt rolled back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from accounts.models import User
from cases import services
from cases.guards import available_actions, can_register, refusal
from cases.models import Case, ContactWay, Kind, Satisfaction, SuspensionReason
from cases.workflow import Action
from mochou.errors import DomainError
from tests.factories import (
    City,
    accepted_case,
    called_back_case,
    closed_case,
    dispatched_case,
    make_case,
    rectified_case,
    rectifying_case,
    replied_case,
)

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _attempts(city: City) -> dict[Action, Callable[[Case, User], Any]]:
    """A valid input for every action, so that only the actor, the unit and the state decide."""
    parent = make_case(city, title="同一处下水道堵塞（主工单）")
    long_text = "已安排市政养护队疏通下水道，现已恢复正常排水。"
    return {
        Action.ANSWER_AT_INTAKE: lambda c, u: services.answer_at_intake(c, actor=u, answer=long_text),
        Action.DISPATCH: lambda c, u: services.dispatch(c, actor=u, lead_unit=city.housing),
        Action.ACCEPT: lambda c, u: services.accept(c, actor=u),
        Action.RETURN: lambda c, u: services.return_case(c, actor=u, reason="不属于本单位职责"),
        Action.CONTACT: lambda c, u: services.contact(
            c, actor=u, way=ContactWay.PHONE, reached=True, note="已电话联系诉求人"
        ),
        Action.REQUEST_EXTENSION: lambda c, u: services.request_extension(
            c, actor=u, days=3, reason="需要协调施工"
        ),
        Action.DECIDE_EXTENSION: lambda c, u: services.decide_extension(c, actor=u, approve=True),
        Action.REQUEST_SUSPENSION: lambda c, u: services.request_suspension(
            c,
            actor=u,
            reason=SuspensionReason.COURT,
            explanation="等待法院判决",
            document="（2026）鄂0881民初88号",
            days=10,
        ),
        Action.DECIDE_SUSPENSION: lambda c, u: services.decide_suspension(c, actor=u, approve=True),
        Action.RESUME: lambda c, u: services.resume(c, actor=u),
        Action.CONTRIBUTE: lambda c, u: services.contribute(c, actor=u, body="协办单位已派人到场"),
        Action.REPLY: lambda c, u: services.submit_reply(c, actor=u, body=long_text),
        Action.APPROVE_REPLY: lambda c, u: services.approve_reply(c, actor=u),
        Action.REJECT_REPLY: lambda c, u: services.reject_reply(c, actor=u, note="请补充办理时间"),
        Action.CALLBACK: lambda c, u: services.callback(
            c, actor=u, reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED
        ),
        Action.CLAIM_CALLBACK: lambda c, u: services.claim_callback(c, actor=u),
        Action.RELEASE_CALLBACK: lambda c, u: services.release_callback(c, actor=u),
        Action.REPORT_RECTIFICATION: lambda c, u: services.report_rectification(
            c, actor=u, report="已约谈责任人并再次疏通，现场排水恢复正常。"
        ),
        Action.VERIFY_RECTIFICATION: lambda c, u: services.verify_rectification(c, actor=u, accepted=True),
        Action.CLOSE: lambda c, u: services.close(c, actor=u, note="诉求人不满意，但已依政策答复"),
        Action.REOPEN: lambda c, u: services.reopen(c, actor=u, reason="诉求人反映仍未疏通"),
        Action.MERGE: lambda c, u: services.merge(c, actor=u, parent=parent),
        Action.TRANSFER: lambda c, u: services.transfer(c, actor=u, target="荆门市12345平台"),
        Action.SUPERVISE: lambda c, u: services.supervise(c, actor=u, body="请加快办理进度"),
        Action.RULE_DISPUTE: lambda c, u: services.rule_dispute(
            c, actor=u, upheld=False, note="该路段属市住建局养护范围"
        ),
    }


def _situations(city: City) -> dict[str, Case]:
    agent, dispatcher, clerk = city.users["agent"], city.users["dispatcher"], city.users["clerk"]
    with_extension = accepted_case(city)
    services.request_extension(with_extension, actor=clerk, days=3, reason="需要协调施工队伍")
    jointly = services.dispatch(
        make_case(city), actor=dispatcher, lead_unit=city.housing, co_units=[city.education]
    )
    jointly = services.accept(jointly, actor=clerk)
    asking_suspension = accepted_case(city)
    services.request_suspension(
        asking_suspension,
        actor=clerk,
        reason=SuspensionReason.SURVEY,
        explanation="需房屋安全鉴定",
        document="鉴定委托书 钟鉴〔2026〕18号",
        days=10,
    )
    suspended = accepted_case(city)
    services.request_suspension(
        suspended,
        actor=clerk,
        reason=SuspensionReason.SURVEY,
        explanation="需房屋安全鉴定",
        document="鉴定委托书 钟鉴〔2026〕19号",
        days=10,
    )
    services.decide_suspension(suspended, actor=dispatcher, approve=True)
    pending = accepted_case(city)
    services.submit_reply(pending, actor=clerk, body="已安排市政养护队疏通下水道，现已恢复正常。")
    unreached = replied_case(city)
    for _ in range(3):
        services.callback(unreached, actor=agent, reached=False)
    answered = make_case(city, kind=Kind.CONSULT)
    services.answer_at_intake(answered, actor=agent, answer="公积金提取请携带身份证到政务服务中心办理。")
    answered_called_back = make_case(city, kind=Kind.CONSULT)
    services.answer_at_intake(
        answered_called_back, actor=agent, answer="公积金提取请携带身份证到政务服务中心办理。"
    )
    services.callback(
        answered_called_back, actor=agent, reached=True, resolved=False, satisfaction=Satisfaction.UNSATISFIED
    )
    returned = dispatched_case(city)
    services.return_case(returned, actor=clerk, reason="该路段属于郢中街道管理")
    merged = make_case(city)
    services.merge(merged, actor=dispatcher, parent=make_case(city))
    transferred = make_case(city)
    services.transfer(transferred, actor=dispatcher, target="荆门市12345平台")
    claimed = replied_case(city)
    services.claim_callback(claimed, actor=agent)
    cases = {
        "registered_complaint": make_case(city),
        "registered_consult": make_case(city, kind=Kind.CONSULT),
        "dispatched": dispatched_case(city),
        "returned": returned,
        "in_progress": accepted_case(city),
        "with_extension": with_extension,
        "asking_suspension": asking_suspension,
        "suspended": suspended,
        "joint": jointly,
        "pending_approval": pending,
        "replied": replied_case(city),
        "answered_at_intake": answered,
        "answered_called_back": answered_called_back,
        "called_back": called_back_case(city),
        "unsatisfied": called_back_case(city, satisfaction=Satisfaction.UNSATISFIED),
        "unreachable": unreached,
        "claimed": claimed,
        "rectifying": rectifying_case(city),
        "rectified": rectified_case(city),
        "closed": closed_case(city),
        "merged": merged,
        "transferred": transferred,
    }
    return {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}


def _service_accepts(attempt: Callable[[Case, User], Any], case: Case, user: User) -> bool:
    try:
        with transaction.atomic():
            attempt(case, user)
            raise _Rollback
    except _Rollback:
        return True
    except DomainError:
        return False


def test_available_actions_agree_with_the_services(city: City, clock: object) -> None:
    attempts = _attempts(city)
    situations = _situations(city)
    mismatches = []
    offered_somewhere: set[Action] = set()
    for name, case in situations.items():
        for username, user in city.users.items():
            offered = set(available_actions(user, case))
            offered_somewhere |= offered
            for action, attempt in attempts.items():
                accepted = _service_accepts(attempt, Case.objects.get(pk=case.pk), user)
                if accepted != (action in offered):
                    mismatches.append(
                        f"{name}/{username}/{action.value}: service={accepted} page={not accepted}"
                    )
    assert mismatches == []
    # Every action is offered to somebody in some situation: the table above covers the loop.
    assert offered_somewhere == set(attempts)


def test_refusal_explains_in_chinese_with_the_service_status(city: City, clock: object) -> None:
    case = dispatched_case(city)
    wrong_state = refusal(city.users["clerk"], case, Action.REPLY)
    wrong_role = refusal(city.users["dispatcher"], case, Action.ACCEPT)
    wrong_unit = refusal(city.users["outsider"], case, Action.ACCEPT)
    assert wrong_state is not None
    assert wrong_state.status == 409
    assert "待签收" in wrong_state.message
    assert wrong_role is not None
    assert wrong_role.status == 403
    assert wrong_unit is not None
    assert "主办单位" in wrong_unit.message
    assert refusal(city.users["clerk"], case, Action.ACCEPT) is None


def test_leader_may_take_no_action_on_any_case(city: City, clock: object) -> None:
    leader = city.users["leader"]
    for case in _situations(city).values():
        assert available_actions(leader, case) == []


def test_only_intake_roles_may_register(city: City) -> None:
    may = {name for name, user in city.users.items() if can_register(user)}
    assert may == {"agent", "agent2", "dispatcher", "supervisor", "admin"}
