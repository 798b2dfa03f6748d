"""The application's verbs: each one transaction, one guard, one event (loop.verbs)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.masking import id_check_digit_ok
from accounts.phones import normalize_phone
from affairs.formfields import clean_answers
from affairs.guards import GUARDS
from affairs.models import (
    Applicant,
    Application,
    ApplicationEvent,
    Joint,
    Matter,
    MatterKind,
    OnBehalfFor,
    Outcome,
    Partner,
)
from affairs.office import is_window_clerk
from affairs.services import files as materials_files
from affairs.services import reuse
from affairs.workflow import (
    POOR_RATINGS,
    RATINGS,
    RECEIVING_STATES,
    RECTIFY_DAYS,
    Action,
    Channel,
    Delivery,
    State,
)
from cases.attachments import CleanFile
from enterprises import creditcode
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
        check_id_number(number, enterprise=self.is_enterprise)
        phone = normalize_phone(self.phone, required=True)
        return ApplicantData(name[:100], number, phone, self.address.strip()[:200], self.is_enterprise)


def check_id_number(number: str, *, enterprise: bool) -> None:
    """The 18th character is a check digit (GB 11643 for a resident ID, GB 32100 for a 统一社会
    信用代码): a mistyped number is refused at input, not found wrong at the window."""
    if enterprise:
        try:
            creditcode.validate(number)
        except creditcode.CreditCodeError as error:
            raise InvalidInput(error.message, code="affairs.applicant_id") from error
    elif not id_check_digit_ok(number):
        raise InvalidInput(
            "身份证号码校验位不正确，请核对后重新填写（末位可能为 X）。", code="affairs.applicant_id"
        )


@dataclass(frozen=True)
class OnBehalf:
    """帮办代办: a clerk applies for a person who cannot (who: the clerk; for whom; why)."""

    for_whom: str
    note: str = ""

    def cleaned(self) -> OnBehalf:
        if self.for_whom not in OnBehalfFor.values:
            raise InvalidInput("请选择代办对象（老年人、残疾人等）。", code="affairs.on_behalf_for")
        note = self.note.strip()[:200]
        if len(note) < 2:
            raise InvalidInput("请写明代办原因（如：行动不便，由家属陪同）。", code="affairs.on_behalf_note")
        return OnBehalf(self.for_whom, note)


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
    on_behalf: OnBehalf | None = None,
    note: str = "",
    keep: bool = False,
    joint: Joint | None = None,
    stage: int = 1,
    partner: Partner | None = None,
    files: Sequence[tuple[str, CleanFile]] = (),
    origin: Partner | None = None,
    remote_number: str = "",
    answers: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Application:
    """申报: online by the applicant (actor None), or at the 综窗 by a window clerk — for a matter
    done here, or (跨域通办, `partner`) one the partner region handles after the window's 预审.
    `answers` are the matter's own form fields (affairs.formfields), all checked before anything
    is written; a partner's forwarded answers are taken as far as our catalogue knows them."""
    if matter.status != "published" or matter.draft_of_id is not None:
        raise NotFound("该事项未发布，不能申报。", code="affairs.matter_not_live")
    if channel == Channel.ONLINE and not matter.online:
        raise InvalidInput("该事项不能网上申报，请到政务大厅窗口办理。", code="affairs.not_online")
    if channel == Channel.WINDOW:
        if actor is None or not is_window_clerk(actor):
            raise NotPermitted("窗口申报由政务大厅综合窗口工作人员办理。", code="affairs.not_window")
        if not matter.at_window:
            raise InvalidInput("该事项不能窗口申报，请引导申请人网上办理。", code="affairs.not_at_window")
    elif on_behalf is not None:
        raise InvalidInput("帮办代办由窗口工作人员在窗口办理。", code="affairs.on_behalf_window")
    if (channel == Channel.PARTNER) != (origin is not None):
        raise InvalidInput("异地代收的办件只经跨域通办接口接收。", code="affairs.partner_channel")
    if partner is not None:
        if channel != Channel.WINDOW:
            raise InvalidInput("跨域通办由政务大厅综合窗口收件。", code="affairs.partner_window")
        if not partner.takes(matter.code):
            raise InvalidInput(f"{partner.name}未开通该事项的跨域通办。", code="affairs.partner_matter")
    helped = on_behalf.cleaned() if on_behalf is not None else None
    data = applicant.cleaned() if isinstance(applicant, ApplicantData) else None
    answered = clean_answers(matter.fields, answers or {}, complete=origin is None)
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
                on_behalf=helped is not None,
                on_behalf_for=helped.for_whom if helped else "",
                on_behalf_note=helped.note if helped else "",
                partner=partner,
                origin=origin,
                remote_number=remote_number[:24],
                materials=reuse.reuse(
                    _materials(matter, [*provided, *(m for m, _ in files)]),
                    reuse.on_file(person.id_number, person.phone, step.now),
                ),
                keep_consent=keep,
                form_note=note.strip()[:2000],
                answers=answered,
                token=secrets.token_urlsafe(24),
                created_at=step.now,
            ),
            lambda: _number(step.now),
        )
        reused = [m["name"] for m in app.materials if m.get("reused_from")]
        stored = materials_files.store(app, files, actor=actor, now=step.now)
        materials_files.reuse_files(app, step.now)
        step.record(
            payload={
                "channel": str(channel),
                "on_behalf": helped is not None,
                **({"on_behalf_for": helped.for_whom, "on_behalf_note": helped.note} if helped else {}),
                **({"partner": partner.code} if partner else {}),
                **({"origin": origin.code, "remote_number": remote_number} if origin else {}),
                "missing": app.missing,
                "reused": reused,
                "files": [f.name for f in stored],
            },
            note=f"帮办代办（{OnBehalfFor(helped.for_whom).label}）：{helped.note}" if helped else "",
        )
    return app


def notify(
    app: Application,
    *,
    actor: Any,
    items: Iterable[str],
    note: str = "",
    now: datetime | None = None,
    tell: bool = True,
) -> Application:
    """一次性告知: everything missing, in one list. Asked once (the guard refuses a second). The
    applicant gets an SMS after commit (`tell`; a package's notice sends one for all its parts)."""
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
        if tell and step.item.origin_id is None:  # a partner's applicant is told by the partner
            step.after_commit(send_notice_sms, step.item.pk)
        # 跨域通办: the applicant is at the origin's window; it hears what is missing (progress).
        report_to_origin(step.item, A.NOTIFY, f"办理地一次性告知，需补正：{'、'.join(wanted)}",
                         note=step.item.notice_note, now=step.now)  # fmt: skip
    return step.item


def send_notice_sms(pk: int) -> None:
    # Handed to the worker after commit; if the queue is down the application sweep sends it.
    from affairs.tasks import send_notice_sms

    send_notice_sms(pk)


def correct(
    app: Application,
    *,
    provided: Iterable[str],
    actor: Any = None,
    token: str = "",
    files: Sequence[tuple[str, CleanFile]] = (),
    now: datetime | None = None,
    spread: bool = True,
) -> Application:
    """补正: the applicant (with the tracking code) or a window clerk supplies what was asked; in
    a 一件事 it counts for the other parts asking for the same material (`spread`)."""
    applicant = actor is None
    if applicant and not secrets.compare_digest(token, app.token):
        raise NotPermitted("查询码不正确。", code="affairs.token")
    with LOOP.verb(app, A.CORRECT, actor, now=now, guard=not applicant) as step:
        given = set(provided) | {m for m, _ in files}
        item = step.item
        shared = _from_siblings(item, given)
        item.materials = [
            {**m, "provided": m["provided"] or m["name"] in given or m["name"] in shared}
            for m in item.materials
        ]
        item.corrected_at = step.now
        stored = materials_files.store(item, files, actor=actor, now=step.now)
        materials_files.share(item, shared, step.now)
        step.record(
            payload={
                "provided": sorted(given), "missing": item.missing, "files": [f.name for f in stored],
                **({"from_parts": {name: p.number for name, p in shared.items()}} if shared else {}),
            },
            fields=["materials", "corrected_at"],
        )  # fmt: skip
        if spread:
            _spread_to_siblings(item, given, actor=actor, now=step.now)
    return step.item


def _from_siblings(app: Application, given: set[str]) -> dict[str, Application]:
    """一件事: what this part still misses that another part of the package already received
    (at its 补正: at 申报 every part had the same materials), by material name."""
    if app.joint_id is None:
        return {}
    wanted = set(app.missing) - given
    found: dict[str, Application] = {}
    siblings = Application.objects.filter(joint_id=app.joint_id).exclude(pk=app.pk).order_by("stage", "pk")
    for sibling in siblings if wanted else ():
        for m in sibling.materials:
            if m["name"] in wanted and m.get("provided") and m["name"] not in found:
                found[m["name"]] = sibling
    return found


def _spread_to_siblings(app: Application, given: set[str], *, actor: Any, now: datetime) -> None:
    """一件事: 补正 is per part, but a material shared by parts is asked and uploaded once. A part
    of the package waiting for 补正 whose every missing material this 补正 now holds is corrected
    with it (its own 补正 event, the same files); one still missing others keeps its 补正, and
    takes the shared materials from here when the applicant sends the rest (`_from_siblings`)."""
    if app.joint_id is None or not given:
        return
    holds = {m["name"] for m in app.materials if m.get("provided")}
    siblings = Application.objects.filter(joint_id=app.joint_id, state=State.CORRECTING).exclude(pk=app.pk)
    for sibling in siblings.order_by("stage", "pk"):
        missing = set(sibling.missing)
        if missing & given and missing <= holds:
            correct(sibling, provided=(), actor=actor, token=sibling.token, now=now, spread=False)


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
        report_to_origin(item, A.ACCEPT, "已受理", now=step.now)
    return step.item


def refuse(app: Application, *, actor: Any, reason: str, now: datetime | None = None) -> Application:
    """不予受理, with the reason the applicant reads."""
    if not reason.strip():
        raise InvalidInput("请写明不予受理的理由。", code="affairs.reason_required")
    with LOOP.verb(app, A.REFUSE, actor, now=now) as step:
        step.item.refuse_reason, step.item.concluded_at = reason.strip()[:2000], step.now
        step.item.outcome = Outcome.REFUSED
        step.record(note=reason.strip(), fields=["refuse_reason", "concluded_at", "outcome"])
        report_to_origin(step.item, A.REFUSE, "不予受理", note=reason.strip(), now=step.now)
        refuse_later_stages(step.item, now=step.now)
    return step.item


# The reason the applicant reads on a 一件事 part refused because an earlier stage was not granted.
JOINT_BLOCKED_REASON = "前序事项未获准予"


def refuse_later_stages(app: Application, *, now: datetime) -> None:
    """一件事: once a part is refused or denied, the parts of its later stages can never be
    accepted (affairs.joint_order), so the system refuses them now, in the same transaction,
    instead of leaving them in 待预审 / 待补正 for good. Parts of the same stage go on."""
    if app.joint_id is None:
        return
    later = (
        Application.objects.filter(joint_id=app.joint_id, stage__gt=app.stage, state__in=RECEIVING_STATES)
        .order_by("stage", "pk")
        .values_list("pk", flat=True)
    )
    for pk in list(later):
        # No user takes it (guard off); the table still decides (待预审 or 待补正 → 不予受理).
        with LOOP.verb(pk, A.REFUSE, None, now=now, guard=False) as step:
            item = step.item
            item.refuse_reason, item.concluded_at, item.outcome = JOINT_BLOCKED_REASON, now, Outcome.REFUSED
            step.record(
                note=JOINT_BLOCKED_REASON,
                payload={"by_system": True, "blocked_by": app.number},
                fields=["refuse_reason", "concluded_at", "outcome"],
            )


def approve_step(
    app: Application, *, actor: Any, opinion: str = "", now: datetime | None = None
) -> Application:
    """One approval step, by the user its configuration names; the next step follows."""
    with LOOP.verb(app, A.APPROVE_STEP, actor, now=now) as step:
        done = step.item.current_step or {}
        step.item.step_index += 1
        step.record(note=opinion.strip(), payload={"step": done.get("name", "")}, fields=["step_index"])
        report_to_origin(step.item, A.APPROVE_STEP, f"{done.get('name', '审批')}已通过", now=step.now)
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
        item.outcome = Outcome.GRANTED if action == A.GRANT else Outcome.DENIED
        step.record(
            note=opinion.strip(),
            payload={"step": done.get("name", ""), "licence_number": item.licence_number},
            fields=["step_index", "concluded_at", "decision_note", "licence_number", "outcome"],
        )
        if action == A.GRANT:
            reuse.keep_licence(item, step.now)
        else:
            refuse_later_stages(item, now=step.now)
        report_to_origin(
            item, action, "准予" if action == A.GRANT else "不予许可", note=item.decision_note,
            licence=item.licence_number, now=step.now,
        )  # fmt: skip
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
        if item.partner is not None:  # 跨域通办: the region that decided hears it was handed over
            from affairs.exchange import outbox

            outbox.queue(item.partner, item, "delivered", {"delivery": delivery}, now=step.now)
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


def report_to_origin(
    app: Application, action: Action, label: str, *, note: str = "", licence: str = "", now: datetime
) -> None:
    """跨域通办: an application a partner forwarded here tells it each step (in the same
    transaction, as an outbox message the worker sends; affairs.exchange)."""
    if app.origin_id is None or app.origin is None:
        return
    from affairs.exchange import outbox

    outbox.queue(
        app.origin, app, "progress",
        {"action": str(action), "label": label, "note": note[:500], "licence_number": licence,
         "at": now.isoformat()},
        now=now,
    )  # fmt: skip


def forward(app: Application, *, actor: Any, now: datetime | None = None) -> Application:
    """转办理地 (跨域通办): the window here checked the materials; the partner region accepts and
    decides. The application is sent over the exchange (outbox, sent after commit)."""
    from affairs.exchange import outbox

    with LOOP.verb(app, A.FORWARD, actor, now=now) as step:
        item = step.item
        assert item.partner is not None  # noqa: S101 (the guard _for_a_partner)
        step.record(payload={"partner": item.partner.code})
        outbox.queue(item.partner, item, "forward", outbox.forward_body(item), now=step.now)
    return step.item


REMOTE_ACTION = {
    # 一次性告知 before 受理: the origin's application stays forwarded; its applicant reads the list.
    str(A.NOTIFY): A.REMOTE_PROGRESS,
    str(A.ACCEPT): A.REMOTE_PROGRESS,
    str(A.APPROVE_STEP): A.REMOTE_PROGRESS,
    str(A.GRANT): A.REMOTE_GRANT,
    str(A.DENY): A.REMOTE_DENY,
    str(A.REFUSE): A.REMOTE_REFUSE,
}


def record_remote(
    app: Application, *, action: str, label: str, note: str = "", licence_number: str = "",
    remote_number: str = "", now: datetime | None = None,
) -> Application:  # fmt: skip
    """What the partner region reports on an application forwarded there: the system records it
    (the exchange verified the partner's signature), the table decides whether it follows."""
    remote = REMOTE_ACTION.get(action)
    if remote is None:
        raise InvalidInput("未知的办理地进展。", code="affairs.exchange.action")
    with LOOP.verb(app, remote, None, now=now, guard=False) as step:
        item = step.item
        item.remote_progress = label[:200]
        fields = ["remote_progress"]
        if remote_number and not item.remote_number:
            item.remote_number, fields = remote_number[:24], [*fields, "remote_number"]
        if remote == A.REMOTE_PROGRESS and action == A.ACCEPT:
            item.accepted_at = step.now
            fields.append("accepted_at")
        if remote in {A.REMOTE_GRANT, A.REMOTE_DENY, A.REMOTE_REFUSE}:
            item.concluded_at = step.now
            item.decision_note = note.strip()[:2000]
            item.outcome = {A.REMOTE_GRANT: Outcome.GRANTED, A.REMOTE_DENY: Outcome.DENIED}.get(
                remote, Outcome.REFUSED
            )
            fields += ["concluded_at", "decision_note", "outcome"]
            if remote == A.REMOTE_REFUSE:
                item.refuse_reason = note.strip()[:2000]
                fields.append("refuse_reason")
            else:
                item.licence_number = licence_number[:40]
                fields.append("licence_number")
        step.record(
            note=note.strip()[:2000], payload={"remote_action": action, "label": label}, fields=fields
        )
        if remote in {A.REMOTE_DENY, A.REMOTE_REFUSE}:
            refuse_later_stages(item, now=step.now)
    return step.item


def delivered_at_origin(app: Application, *, delivery: str = "", now: datetime | None = None) -> Application:
    """The region that received an application we decided says it was handed over (出件 there)."""
    with LOOP.verb(app, A.DELIVER, None, now=now, guard=False) as step:
        item = step.item
        item.delivery, item.delivered_at = Delivery.PARTNER, step.now
        step.record(payload={"delivery": str(Delivery.PARTNER), "at_origin": delivery},
                    fields=["delivery", "delivered_at"])  # fmt: skip
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
    if action == A.FORWARD:
        return forward(app, actor=actor, now=now)
    if action in (A.RATE, A.RATE_POOR):
        return rate(app, actor=actor, rating=int(data.get("rating") or 0), note=text, now=now)
    if action == A.RECTIFY:
        return rectify(app, actor=actor, text=text, now=now)
    raise InvalidInput("没有这个操作。", code="affairs.unknown_action")
