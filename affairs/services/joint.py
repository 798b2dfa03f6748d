"""一事联办: one form for a package of matters; its parts fan out to their departments.

The form asks the union of the parts' materials and form fields once; what the applicant provides counts for
every part that needs it. Parts of the same stage are received in parallel; a later stage is
accepted only after the earlier ones are granted (guards). The package's state rolls up from
its parts (`joint_state`), never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from django.db import transaction
from django.utils import timezone

from affairs.formfields import clean_answers, own_answers, union_fields
from affairs.guards import GUARDS
from affairs.models import Applicant, Application, Bundle, Joint, Outcome
from affairs.services.applications import ApplicantData, notify, numbered, send_notice_sms, submit
from affairs.workflow import Action, Channel, State
from cases.attachments import CleanFile
from loop.verbs import after_commit
from mochou.errors import Conflict, InvalidInput, NotPermitted

ROLLUP_LABELS = {
    "correcting": "待补正",
    "receiving": "预审中",
    "approving": "办理中",
    "ready": "待出件",
    "done": "已办结",
    "partly": "部分不予办理",
    "withdrawn": "已撤回",
}


def union_materials(bundle: Bundle) -> list[dict[str, Any]]:
    """Each material once, with the matters that need it."""
    seen: dict[str, dict[str, Any]] = {}
    for part in bundle.parts.select_related("matter"):
        for m in part.matter.materials:
            row = seen.setdefault(m["name"], {**m, "matters": []})
            row["matters"].append(part.matter.name)
    return list(seen.values())


def union_form(bundle: Bundle) -> list[dict[str, Any]]:
    """The package's one form: each part's fields, a key shared by parts asked once (a key the
    parts define differently is refused at the catalogue's review: formfields.union_fields)."""
    return union_fields((p.matter.name, p.matter.fields) for p in bundle.parts.select_related("matter"))


def _number(now: datetime) -> str:
    prefix = f"LB{timezone.localtime(now):%Y%m%d}"
    last = (
        Joint.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last[len(prefix) :]) + 1 if last else 1):04d}"


def submit_joint(
    bundle: Bundle,
    applicant: ApplicantData,
    *,
    provided: Iterable[str],
    channel: Channel,
    actor: Any = None,
    keep: bool = False,
    files: Sequence[tuple[str, CleanFile]] = (),
    note: str = "",
    answers: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Joint:
    """One 一件事 application: a Joint and one application per part, in one transaction; the
    applicant's 申请说明 (`note`) goes with every part (each department reads it). The answers are
    to the union of the parts' fields, checked once; each part keeps the answers to its own."""
    if not bundle.is_active:
        raise InvalidInput("该“一件事”已停用。", code="affairs.bundle_inactive")
    now = now or timezone.now()
    given = list(provided)
    data = applicant.cleaned()
    answered = clean_answers(union_form(bundle), answers or {})
    with transaction.atomic():
        person = Applicant.objects.create(
            name=data.name, id_number=data.id_number, phone=data.phone, address=data.address,
            is_enterprise=data.is_enterprise,
        )  # fmt: skip
        joint = numbered(
            lambda number: Joint.objects.create(
                number=number, bundle=bundle, applicant=person, channel=channel, created_at=now
            ),
            lambda: _number(now),
        )
        for part in bundle.parts.select_related("matter"):
            # Each part keeps the files of the materials it needs (the same stored file).
            needs = {m["name"] for m in part.matter.materials}
            submit(
                part.matter, person, provided=given, channel=channel, actor=actor, joint=joint,
                stage=part.stage, keep=keep, files=[f for f in files if f[0] in needs], note=note,
                answers=own_answers(part.matter.fields, answered), now=now,
            )  # fmt: skip
    return joint


def to_notify(joint: Joint, actor: Any) -> list[Application]:
    """The parts the window would ask for 补正 now: in 待预审, missing materials, and open to this
    user's 一次性告知 (the guards: at the window, not asked before)."""
    parts = joint.parts.filter(state=State.SUBMITTED).order_by("stage", "pk")
    return [p for p in parts if p.missing and GUARDS.refusal(actor, p, Action.NOTIFY) is None]


def notify_joint(
    joint: Joint, *, actor: Any, note: str = "", now: datetime | None = None
) -> list[Application]:
    """一件事's 一次性告知: one notice for the whole package, each part asked for what it misses,
    in one transaction; the applicant's 补正 of a shared material then counts for every part
    asking for it (applications.correct)."""
    with transaction.atomic():
        parts = to_notify(joint, actor)
        if not parts:
            _refuse_nothing_to_notify(joint, actor)
        done = [notify(p, actor=actor, items=p.missing, note=note, now=now, tell=False) for p in parts]
        # One SMS for the package, once every part is notified (affairs.notices claims them all).
        after_commit(send_notice_sms, done[0].pk)
        return done


def _refuse_nothing_to_notify(joint: Joint, actor: Any) -> NoReturn:
    """Why there is nothing to notify: the guard's own refusal when the actor may not notify a
    part that misses materials (403, not a second rule), else nothing is missing (409)."""
    for p in joint.parts.filter(state=State.SUBMITTED).order_by("stage", "pk"):
        refused = GUARDS.refusal(actor, p, Action.NOTIFY) if p.missing else None
        if isinstance(refused, NotPermitted):
            raise refused
    raise Conflict("本“一件事”没有需要一次性告知补正的事项。", code="affairs.joint_nothing_to_notify")


@dataclass(frozen=True)
class JointNotice:
    """The package's 一次性告知 as one user reads it (the staff page and the API both show this):
    each part with what it was asked, what the window would ask now, and the applicant's one list."""

    joint: Joint
    parts: list[Application]
    pending: list[Application]  # the parts this user's 整件一次性告知 would notify now
    asked: list[str]  # everything asked of the parts waiting for 补正, each once

    @property
    def can_notify(self) -> bool:
        return bool(self.pending)


def joint_notice(joint: Joint, actor: Any) -> JointNotice:
    parts = list(joint.parts.select_related("matter", "department").order_by("stage", "pk"))
    return JointNotice(joint=joint, parts=parts, pending=to_notify(joint, actor), asked=asked(parts))


def asked(parts: Iterable[Application]) -> list[str]:
    """Everything the package's parts waiting for 补正 ask, each once (the applicant's one list)."""
    seen: dict[str, None] = {}
    for p in parts:
        if p.state == State.CORRECTING:
            seen.update(dict.fromkeys(p.notice_items))
    return list(seen)


# A part that will not be granted, whatever its state says now (a 不予许可 delivered and rated
# is 已出件/已评价: the outcome keeps what was decided).
NOT_GRANTED = frozenset({Outcome.DENIED, Outcome.REFUSED})


def _not_granted(p: Application) -> bool:
    return p.state in {State.REFUSED, State.DENIED} or p.outcome in NOT_GRANTED


OPEN_STATES = frozenset({State.SUBMITTED, State.CORRECTING, State.APPROVING, State.FORWARDED})


def _blocked(p: Application, parts: Sequence[Application]) -> bool:
    """An open part behind an earlier stage not granted: it can never be accepted, so it waits
    for nothing (the verbs refuse it; a package from before that fix may still hold one)."""
    return p.state in OPEN_STATES and any(_not_granted(q) and q.stage < p.stage for q in parts)


def joint_state(parts: Iterable[Application]) -> str:
    """The package's state from its parts: the slowest part decides, a 补正 shows first; a part
    refused or denied makes the package 部分不予办理 for good (never 已办结 behind it), and the
    parts of its later stages hold nothing open (never 预审中 behind it)."""
    every = list(parts)
    parts = [p for p in every if not _blocked(p, every)]
    states = {p.state for p in parts}
    if not states:
        return "receiving"
    if states == {State.WITHDRAWN}:
        return "withdrawn"
    if State.CORRECTING in states:
        return "correcting"
    if State.SUBMITTED in states:
        return "receiving"
    if states & {State.APPROVING, State.FORWARDED}:
        return "approving"
    if any(_not_granted(p) for p in parts):
        return "partly"
    if State.GRANTED in states:
        return "ready"
    return "done"


def rollup_label(parts: Iterable[Application]) -> str:
    """The roll-up as the applicant and the hall read it; 部分不予办理 names the parts concerned."""
    parts = list(parts)
    state = joint_state(parts)
    if state != "partly":
        return ROLLUP_LABELS[state]
    named = "、".join(
        f"{p.matter_snapshot.get('name', '') or p.matter.name}"
        f"（{Outcome(p.outcome).label if p.outcome else p.get_state_display()}）"
        for p in parts
        if _not_granted(p)
    )
    return f"{ROLLUP_LABELS['partly']}：{named}"
