"""The application's verbs: each one transaction, one guard, one event (loop.verbs)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.phones import normalize_phone
from affairs.guards import GUARDS
from affairs.models import Applicant, Application, ApplicationEvent, Joint, Matter, MatterKind
from affairs.office import is_window_clerk
from affairs.services import reuse
from affairs.workflow import POOR_RATINGS, RATINGS, RECTIFY_DAYS, Action, Channel, Delivery, State
from loop.deadlines import Clock, Clocks
from loop.verbs import Loop
from mochou.errors import InvalidInput, NotFound, NotPermitted
from worktime.calendar import add_working_days

LOOP: Loop[Application, State, Action] = Loop(
    model=Application,
    event_model=ApplicationEvent,
    item_field="application",
    machine=GUARDS.machine,
    guards=GUARDS,
    related=("matter", "department", "applicant"),
)
# The promised time runs from acceptance on the working calendar; near due a working day before.
CLOCKS = Clocks(
    [
        Clock(
            kind="promise",
            what="承诺办结",
            field="promised_due_at",
            states=frozenset({State.APPROVING}),
            near_hours=8,
        ),
        Clock(
            kind="rectify",
            what="差评整改",
            field="rectify_due_at",
            states=frozenset({State.RECTIFYING}),
            near_hours=8,
        ),
    ]
)
A = Action
T = TypeVar("T")


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str
    phone: str
    address: str = ""
    is_enterprise: bool = False

    def cleaned(self) -> ApplicantData:
        name, number = self.name.strip(), self.id_number.strip().upper()
        if not name:
            raise InvalidInput("请填写申请人姓名或企业名称。", code="affairs.applicant_name")
        if len(number) != 18:
            raise InvalidInput("证件号码应为 18 位身份证号或统一社会信用代码。", code="affairs.applicant_id")
        phone = normalize_phone(self.phone, required=True)
        return ApplicantData(name[:100], number, phone, self.address.strip()[:200], self.is_enterprise)


def snapshot(matter: Matter) -> dict[str, Any]:
    """What the application keeps of the matter: its content as published now, with its code."""
    return {**matter.content(), "code": matter.code, "name": matter.name}


def _number(now: datetime) -> str:
    prefix = f"ZW{timezone.localtime(now):%Y%m%d}"
    last = (
        Application.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


NUMBER_TRIES = 5


def numbered(make: Callable[[str], T], number: Callable[[], str]) -> T:
    """Create a row with the next 编号. On PostgreSQL two submissions at once read the same last
    number; the second insert waits for the first to commit, then fails on the unique number: it
    takes the next one in a savepoint instead of failing the applicant's submission."""
    for attempt in range(NUMBER_TRIES):
        try:
            with transaction.atomic():
                return make(number())
        except IntegrityError:
            if attempt == NUMBER_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def _materials(matter: Matter, provided: Iterable[str]) -> list[dict[str, Any]]:
    given = set(provided)
    return [{**m, "provided": m["name"] in given} for m in matter.materials]


def submit(
    matter: Matter,
    applicant: ApplicantData | Applicant,
    *,
    provided: Iterable[str],
    channel: Channel,
    actor: Any = None,
    on_behalf: bool = False,
    note: str = "",
    keep: bool = False,
    joint: Joint | None = None,
    stage: int = 1,
    now: datetime | None = None,
) -> Application:
    """申报: online by the applicant (actor None), or at the 综窗 by a window clerk."""
    if matter.status != "published" or matter.draft_of_id is not None:
        raise NotFound("该事项未发布，不能申报。", code="affairs.matter_not_live")
    if channel == Channel.ONLINE and not matter.online:
        raise InvalidInput("该事项不能网上申报，请到政务大厅窗口办理。", code="affairs.not_online")
    if channel == Channel.WINDOW:
        if actor is None or not is_window_clerk(actor):
            raise NotPermitted("窗口申报由政务大厅综合窗口工作人员办理。", code="affairs.not_window")
    elif on_behalf:
        raise InvalidInput("帮办代办由窗口工作人员在窗口办理。", code="affairs.on_behalf_window")
    data = applicant.cleaned() if isinstance(applicant, ApplicantData) else None
    with LOOP.start(A.SUBMIT, actor, now=now, guard=channel == Channel.WINDOW) as step:
        person = applicant if data is None else Applicant.objects.create(
            name=data.name, id_number=data.id_number, phone=data.phone, address=data.address,
            is_enterprise=data.is_enterprise,
        )  # fmt: skip
        app = numbered(
            lambda number: LOOP.create(
                step,
                number=number,
                matter=matter,
                matter_snapshot=snapshot(matter),
                department_id=matter.department_id,
                applicant=person,
                joint=joint,
                stage=stage,
                channel=channel,
                received_by=actor if channel == Channel.WINDOW else None,
                on_behalf=on_behalf,
                materials=reuse.reuse(
                    _materials(matter, provided), reuse.on_file(person.id_number, person.phone, step.now)
                ),
                keep_consent=keep,
                form_note=note.strip()[:2000],
                token=secrets.token_urlsafe(24),
                created_at=step.now,
            ),
            lambda: _number(step.now),
        )
        reused = [m["name"] for m in app.materials if m.get("reused_from")]
        step.record(
            payload={
                "channel": str(channel),
                "on_behalf": on_behalf,
                "missing": app.missing,
                "reused": reused,
            }
        )
    return app


def notify(
    app: Application, *, actor: Any, items: Iterable[str], note: str = "", now: datetime | None = None
) -> Application:
    """一次性告知: everything missing, in one list. Asked once (the guard refuses a second)."""
    wanted = [i.strip()[:200] for i in items if i.strip()]
    if not wanted:
        raise InvalidInput("请列出需要补正的全部材料或事项。", code="affairs.notice_items")
    with LOOP.verb(app, A.NOTIFY, actor, now=now) as step:
        step.item.notice_items, step.item.notice_note, step.item.notified_at = (
            wanted,
            note.strip()[:2000],
            step.now,
        )
        step.record(
            note=note.strip(),
            payload={"items": wanted},
            fields=["notice_items", "notice_note", "notified_at"],
        )
    return step.item


def correct(
    app: Application,
    *,
    provided: Iterable[str],
    actor: Any = None,
    token: str = "",
    now: datetime | None = None,
) -> Application:
    """补正: the applicant (with the tracking code) or a window clerk supplies what was asked."""
    applicant = actor is None
    if applicant and not secrets.compare_digest(token, app.token):
        raise NotPermitted("查询码不正确。", code="affairs.token")
    with LOOP.verb(app, A.CORRECT, actor, now=now, guard=not applicant) as step:
        given = set(provided)
        item = step.item
        item.materials = [{**m, "provided": m["provided"] or m["name"] in given} for m in item.materials]
        item.corrected_at = step.now
        step.record(
            payload={"provided": sorted(given), "missing": item.missing}, fields=["materials", "corrected_at"]
        )
    return step.item


def accept(app: Application, *, actor: Any, now: datetime | None = None) -> Application:
    """受理: the promised and statutory clocks start on the working calendar."""
    with LOOP.verb(app, A.ACCEPT, actor, now=now) as step:
        item = step.item
        snap = item.matter_snapshot
        immediate = snap.get("kind") == MatterKind.IMMEDIATE
        item.accepted_at, item.accepted_by, item.step_index = step.now, actor, 0
        item.promised_due_at = add_working_days(
            step.now, 0 if immediate else int(snap.get("promised_days", 1))
        )
        item.statutory_due_at = add_working_days(
            step.now, 0 if immediate else int(snap.get("statutory_days", 1))
        )
        step.record(
            payload={"promised_due_at": item.promised_due_at.isoformat()},
            fields=["accepted_at", "accepted_by", "step_index", "promised_due_at", "statutory_due_at"],
        )
        reuse.keep_materials(item, step.now)
    return step.item


def refuse(app: Application, *, actor: Any, reason: str, now: datetime | None = None) -> Application:
    """不予受理, with the reason the applicant reads."""
    if not reason.strip():
        raise InvalidInput("请写明不予受理的理由。", code="affairs.reason_required")
    with LOOP.verb(app, A.REFUSE, actor, now=now) as step:
        step.item.refuse_reason, step.item.concluded_at = reason.strip()[:2000], step.now
        step.record(note=reason.strip(), fields=["refuse_reason", "concluded_at"])
    return step.item


def approve_step(
    app: Application, *, actor: Any, opinion: str = "", now: datetime | None = None
) -> Application:
    """One approval step, by the user its configuration names; the next step follows."""
    with LOOP.verb(app, A.APPROVE_STEP, actor, now=now) as step:
        done = step.item.current_step or {}
        step.item.step_index += 1
        step.record(note=opinion.strip(), payload={"step": done.get("name", "")}, fields=["step_index"])
    return step.item


def _decide(
    app: Application, action: Action, actor: Any, opinion: str, licence: str, now: datetime | None
) -> Application:
    with LOOP.verb(app, action, actor, now=now) as step:
        item = step.item
        done = item.current_step or {}
        item.step_index += 1
        item.concluded_at, item.decision_note = step.now, opinion.strip()[:2000]
        item.licence_number = licence.strip()[:40]
        step.record(
            note=opinion.strip(),
            payload={"step": done.get("name", ""), "licence_number": item.licence_number},
            fields=["step_index", "concluded_at", "decision_note", "licence_number"],
        )
        if action == A.GRANT:
            reuse.keep_licence(item, step.now)
    return step.item


def grant(
    app: Application, *, actor: Any, opinion: str = "", licence_number: str = "", now: datetime | None = None
) -> Application:
    """办结 准予: the last step's decision, with the licence or document issued."""
    return _decide(app, A.GRANT, actor, opinion or "准予", licence_number or f"{app.number}-Z", now)


def deny(app: Application, *, actor: Any, opinion: str, now: datetime | None = None) -> Application:
    """办结 不予许可: the reason goes into the decision the applicant receives."""
    if not opinion.strip():
        raise InvalidInput("请写明不予许可的理由。", code="affairs.reason_required")
    return _decide(app, A.DENY, actor, opinion, f"{app.number}-B", now)


def deliver(
    app: Application, *, actor: Any, delivery: str, tracking_number: str = "", now: datetime | None = None
) -> Application:
    """出件 at the unified window: handed over, or posted with its tracking number."""
    if delivery not in Delivery.values:
        raise InvalidInput("请选择出件方式。", code="affairs.delivery")
    tracking = tracking_number.strip()
    if delivery == Delivery.POST and not tracking:
        raise InvalidInput("邮寄送达请填写邮寄单号。", code="affairs.tracking_required")
    with LOOP.verb(app, A.DELIVER, actor, now=now) as step:
        item = step.item
        item.delivery, item.tracking_number, item.delivered_at = delivery, tracking[:40], step.now
        step.record(
            payload={"delivery": delivery, "tracking_number": item.tracking_number},
            fields=["delivery", "tracking_number", "delivered_at"],
        )
    return step.item


def withdraw(
    app: Application, *, actor: Any = None, token: str = "", reason: str = "", now: datetime | None = None
) -> Application:
    """撤回 before acceptance: by the applicant (tracking code) or at the window on their word."""
    applicant = actor is None
    if applicant and not secrets.compare_digest(token, app.token):
        raise NotPermitted("查询码不正确。", code="affairs.token")
    with LOOP.verb(app, A.WITHDRAW, actor, now=now, guard=not applicant) as step:
        step.record(note=reason.strip()[:500])
    return step.item


def rate(
    app: Application,
    *,
    rating: int,
    note: str = "",
    actor: Any = None,
    token: str = "",
    now: datetime | None = None,
) -> Application:
    """好差评 after 出件: the applicant (tracking code) or the window's 评价器 (the clerk). A 差评
    opens the department's rectification with its deadline on the working calendar."""
    if rating not in RATINGS:
        raise InvalidInput("评价为 1 至 5 星。", code="affairs.rating")
    poor = rating in POOR_RATINGS
    if poor and not note.strip():
        raise InvalidInput("差评请写明不满意的原因，部门将整改反馈。", code="affairs.rating_note")
    applicant = actor is None
    if applicant and not secrets.compare_digest(token, app.token):
        raise NotPermitted("查询码不正确。", code="affairs.token")
    with LOOP.verb(app, A.RATE, actor, now=now, guard=not applicant) as step:
        item = step.item
        item.rating, item.rating_note, item.rated_at = rating, note.strip()[:2000], step.now
        fields = ["rating", "rating_note", "rated_at"]
        if poor:
            item.rectify_due_at = add_working_days(step.now, RECTIFY_DAYS)
            fields.append("rectify_due_at")
        step.record(
            note=item.rating_note,
            payload={"rating": rating},
            fields=fields,
            action=A.RATE_POOR if poor else None,
        )
    return step.item


def rectify(app: Application, *, actor: Any, text: str, now: datetime | None = None) -> Application:
    """The department's answer to a 差评: what was put right."""
    if len(text.strip()) < 4:
        raise InvalidInput("请写明整改情况。", code="affairs.rectification")
    with LOOP.verb(app, A.RECTIFY, actor, now=now) as step:
        step.item.rectification, step.item.rectified_at = text.strip()[:2000], step.now
        step.record(note=text.strip(), fields=["rectification", "rectified_at"])
    return step.item


def take(
    app: Application, action: Action, *, actor: Any, data: dict[str, Any], now: datetime | None = None
) -> Application:
    """A staff member's action from a page or the API, with its form's data."""
    text = str(data.get("note", "") or "")
    if action == A.NOTIFY:
        items = data.get("items") or app.missing
        return notify(app, actor=actor, items=items, note=text, now=now)
    if action == A.CORRECT:
        return correct(app, actor=actor, provided=data.get("provided") or [], now=now)
    if action == A.ACCEPT:
        return accept(app, actor=actor, now=now)
    if action == A.REFUSE:
        return refuse(app, actor=actor, reason=text, now=now)
    if action == A.APPROVE_STEP:
        return approve_step(app, actor=actor, opinion=text, now=now)
    if action == A.GRANT:
        return grant(
            app, actor=actor, opinion=text, licence_number=str(data.get("licence_number", "") or ""), now=now
        )
    if action == A.DENY:
        return deny(app, actor=actor, opinion=text, now=now)
    if action == A.DELIVER:
        return deliver(
            app,
            actor=actor,
            delivery=str(data.get("delivery", "")),
            tracking_number=str(data.get("tracking_number", "") or ""),
            now=now,
        )
    if action == A.WITHDRAW:
        return withdraw(app, actor=actor, reason=text, now=now)
    if action in (A.RATE, A.RATE_POOR):
        return rate(app, actor=actor, rating=int(data.get("rating") or 0), note=text, now=now)
    if action == A.RECTIFY:
        return rectify(app, actor=actor, text=text, now=now)
    raise InvalidInput("没有这个操作。", code="affairs.unknown_action")
