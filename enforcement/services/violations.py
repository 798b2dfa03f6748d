"""登记 → 核查 (认定 / 不属实) → 制止 → 限期自拆 → 自拆 / 强拆 → 复核 → 销号, with 复议/诉讼,
存量 plans and 问责 (see enforcement.workflow)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.utils import timezone

from accounts.audit.services import record as audit_record
from accounts.models import User
from accounts.phones import read_phone
from enforcement import appeal_files, config, deadlines, documents, geo, photos
from enforcement.guards import clock, is_office
from enforcement.models import (
    Accountability,
    AppealFile,
    AppealKind,
    Channel,
    DemolitionKind,
    Document,
    LandType,
    PatrolLog,
    Photo,
    Ruling,
    Structure,
    Violation,
    ViolationEvent,
)
from enforcement.services.common import VIOLATIONS, choice, text
from enforcement.workflow import Action, State
from mochou.errors import InvalidInput, NotPermitted
from org.models import Unit, UnitKind

MAX_ORDER_DAYS = 90


@dataclass
class Report:
    """What a finder records of a violation (the form and the API both fill it)."""

    township: Unit
    address: str
    area: Decimal | float | str
    structure: str
    land_type: str
    built_on: date
    channel: str
    description: str
    village: Unit | None = None
    lat: float | None = None
    lng: float | None = None
    crs: str = geo.WGS84
    owner_name: str = ""
    owner_phone: str = ""
    photos: list[bytes] = field(default_factory=list)
    patch_ref: str = ""
    patrol: PatrolLog | None = None


def _area(value: Decimal | float | str) -> Decimal:
    try:
        area = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            "面积应为数字（平方米）。", code="invalid_input.area", details={"field": "area"}
        ) from None
    if not Decimal("0.1") <= area <= Decimal("100000"):
        raise InvalidInput(
            "面积应在0.1至100000平方米之间。", code="invalid_input.area", details={"field": "area"}
        )
    return area


def _check_place(report: Report, actor: User) -> None:
    if report.township.kind != UnitKind.TOWNSHIP:
        raise InvalidInput(
            "请选择乡镇（街道）。", code="invalid_input.township", details={"field": "township"}
        )
    if report.village is not None and report.village.parent_id != report.township.pk:
        raise InvalidInput(
            "所选村（社区）不属于该乡镇（街道）。", code="invalid_input.village", details={"field": "village"}
        )
    if not is_office(actor) and actor.unit_id not in (
        report.township.pk,
        getattr(report.village, "pk", None),
    ):
        raise NotPermitted("乡镇（街道）只能登记本辖区的违建。", code="permission_denied.unit")


def report_violation(
    report: Report, *, actor: User, case: Any = None, now: datetime | None = None
) -> Violation:
    """登记: a finder (a township's 网格员 or the office) records a violation with its photos;
    the on-site check is due within the configured hours. 新增 or 存量 is decided here, by the
    cut-off in force, and kept with it."""
    with photos.kept_only_if_committed(), VIOLATIONS.start(Action.REPORT, actor, now=now) as step:
        now = step.now
        _check_place(report, actor)
        point = geo.read_point(report.lat, report.lng, report.crs)
        choice(report.structure, Structure, "结构", "structure")
        choice(report.land_type, LandType, "土地性质", "land_type")
        choice(report.channel, Channel, "发现渠道", "channel")
        if report.built_on > timezone.localdate(now):
            raise InvalidInput(
                "始建日期不能晚于今天。", code="invalid_input.built_on", details={"field": "built_on"}
            )
        phone = ""
        if report.owner_phone.strip():
            phone = read_phone(report.owner_phone) or ""
            if not phone:
                raise InvalidInput(
                    "当事人电话无效。", code="invalid_input.phone", details={"field": "owner_phone"}
                )
        if report.patrol is not None and (
            report.patrol.patroller_id != actor.pk or report.channel != Channel.PATROL
        ):
            raise InvalidInput(
                "巡查发现只能由本人登记在自己的巡查日志下。",
                code="invalid_input.patrol",
                details={"field": "patrol"},
            )
        cleaned = photos.check(report.photos)
        cutoff = config.new_since()
        violation = VIOLATIONS.create(
            step,
            number=f"new-{uuid.uuid4().hex[:16]}",
            township=report.township,
            village=report.village,
            address=text(report.address, "地址", "address", min_len=4, max_len=200),
            lat=point[0] if point else None,
            lng=point[1] if point else None,
            area=_area(report.area),
            structure=report.structure,
            land_type=report.land_type,
            built_on=report.built_on,
            is_new=report.built_on >= cutoff,
            new_since=cutoff,
            channel=report.channel,
            description=text(report.description, "情况描述", "description", min_len=4),
            owner_name=text(report.owner_name, "当事人", "owner_name", min_len=0, max_len=50),
            owner_phone=phone,
            case=case,
            patch_ref=report.patch_ref.strip()[:40],
            patrol=report.patrol,
            reported_by=actor,
            reported_at=now,
            check_by=now + timedelta(hours=config.check_hours()),
        )
        violation.number = f"WJ{timezone.localtime(now).year}-{violation.pk:05d}"
        Violation.objects.filter(pk=violation.pk).update(number=violation.number)
        photos.store(violation, Photo.Stage.BEFORE, cleaned, actor=actor, now=now)
        step.record(
            note=violation.description,
            payload={
                "township": report.township.code,
                "new": violation.is_new,
                "new_since": cutoff.isoformat(),
                "crs": report.crs,
                "photos": len(cleaned),
                **({"case": case.number} if case is not None else {}),
            },
        )
    return violation


def confirm(
    violation: Violation | int, *, actor: User, note: str = "", now: datetime | None = None
) -> Violation:
    """认定违建: the office confirms the report after the on-site check; 制止 (or, for a 存量 one,
    its plan) is due within the configured hours."""
    with VIOLATIONS.verb(violation, Action.CONFIRM, actor, now=now) as step:
        item = step.item
        item.checked_by, item.checked_at = actor, step.now
        item.stop_by = deadlines.stop_deadline(step.now)
        late = item.check_by is not None and step.now > item.check_by
        step.record(
            note=text(note, "核查意见", "note", min_len=0, max_len=500),
            payload={"late": late, "stop_by": item.stop_by.isoformat()},
            fields=["checked_by", "checked_at", "stop_by"],
        )
    return item


def dismiss(
    violation: Violation | int, *, actor: User, reason: str, note: str, now: datetime | None = None
) -> Violation:
    """不属实 / 合法: closed with the reason, after the on-site check."""
    from enforcement.models import DismissReason

    with VIOLATIONS.verb(violation, Action.DISMISS, actor, now=now) as step:
        item = step.item
        choice(reason, DismissReason, "不予认定原因", "reason")
        why = text(note, "核查说明", "note", min_len=4, max_len=500)
        item.checked_by, item.checked_at, item.closed_at = actor, step.now, step.now
        item.dismiss_reason = reason
        item.outcome = f"经现场核查，{DismissReason(reason).label}：{why}"
        step.record(
            note=why,
            payload={"reason": reason, "late": bool(item.check_by and step.now > item.check_by)},
            fields=["checked_by", "checked_at", "closed_at", "dismiss_reason", "outcome"],
        )
    return item


def stop(
    violation: Violation | int, *, actor: User, note: str = "", now: datetime | None = None
) -> Violation:
    """当场制止 / 责令停止建设: the 责令停止建设通知书 is issued with it; the 限期拆除决定 is due
    within the configured working days."""
    with VIOLATIONS.verb(violation, Action.STOP, actor, now=now) as step:
        item = step.item
        item.stopped_at = step.now
        item.order_by = deadlines.order_deadline(step.now)
        doc = documents.issue(item, Document.Kind.STOP, actor=actor, now=step.now)
        step.record(
            note=text(note, "制止情况", "note", min_len=0, max_len=500),
            payload={"document": doc.number, "order_by": item.order_by.isoformat()},
            fields=["stopped_at", "order_by"],
        )
    return item


def plan(
    violation: Violation | int, *, actor: User, due: date, note: str, now: datetime | None = None
) -> Violation:
    """存量: into the dated disposal plan (a 新增 one may not wait: the guard refuses)."""
    with VIOLATIONS.verb(violation, Action.PLAN, actor, now=now) as step:
        item = step.item
        if due <= timezone.localdate(step.now) or due > timezone.localdate(step.now) + timedelta(
            days=3 * 365
        ):
            raise InvalidInput(
                "计划处置日期应在今天之后三年以内。", code="invalid_input.due", details={"field": "due"}
            )
        item.plan_due = due
        step.record(
            note=text(note, "处置计划", "note", min_len=4, max_len=500),
            payload={"due": due.isoformat()},
            fields=["plan_due"],
        )
    return item


def _days(days: int) -> int:
    if not 1 <= days <= MAX_ORDER_DAYS:
        raise InvalidInput(
            f"自拆期限应为1至{MAX_ORDER_DAYS}天。", code="invalid_input.days", details={"field": "days"}
        )
    return days


def order(
    violation: Violation | int, *, actor: User, days: int, note: str = "", now: datetime | None = None
) -> Violation:
    """限期自拆: the 限期拆除决定书 with its deadline."""
    with VIOLATIONS.verb(violation, Action.ORDER, actor, now=now) as step:
        item = step.item
        item.ordered_at = step.now
        item.demolish_by = step.now + timedelta(days=_days(days))
        doc = documents.issue(
            item,
            Document.Kind.DEMOLISH,
            actor=actor,
            now=step.now,
            deadline=timezone.localtime(item.demolish_by),
        )
        step.record(
            note=text(note, "说明", "note", min_len=0, max_len=500),
            payload={"document": doc.number, "demolish_by": item.demolish_by.isoformat(), "days": days},
            fields=["ordered_at", "demolish_by"],
        )
    return item


def appeal(
    violation: Violation | int,
    *,
    actor: User,
    kind: str,
    document: str,
    files: Sequence[appeal_files.Upload] = (),
    now: datetime | None = None,
) -> Violation:
    """复议/诉讼: the 自拆 clock pauses with the time it had left; the filing is recorded with its
    document's number and the document itself as uploaded files (images or PDF)."""
    with photos.kept_only_if_committed(), VIOLATIONS.verb(violation, Action.APPEAL, actor, now=now) as step:
        item = step.item
        choice(kind, AppealKind, "复议/诉讼类型", "kind")
        filing = text(document, "复议/诉讼文书", "document", min_len=4, max_len=500)
        cleaned = appeal_files.check(files)
        left = None
        if item.state == State.ORDERED and item.demolish_by is not None:
            left = max(0, int((item.demolish_by - step.now).total_seconds()))
        item.paused_seconds, item.appeal_kind, item.demolish_by = left, kind, None
        # A 公告 issued before the appeal spoke of a deadline the appeal suspended: after a 维持
        # the owner is given a new one (行政强制法 §44 requires the owner not to have appealed).
        item.announced_at = item.announce_until = None
        event = step.record(
            note=filing,
            payload={"kind": kind, "paused_seconds": left, "files": len(cleaned)},
            fields=["paused_seconds", "appeal_kind", "demolish_by", "announced_at", "announce_until"],
        )
        appeal_files.store(
            item, cast(ViolationEvent, event), AppealFile.Stage.FILING, cleaned, actor=actor, now=step.now
        )
    return item


def _served_on(item: Violation, served_on: date | None, now: datetime) -> date:
    """The day the ruling reached the owner: the 15 days left to sue or appeal run from it."""
    if served_on is None:
        raise InvalidInput(
            "请填写结果文书送达当事人的日期（其后15日内当事人仍可起诉或上诉）。",
            code="invalid_input.served_on",
            details={"field": "served_on"},
        )
    filed = (
        item.events.filter(action=Action.APPEAL).order_by("-seq").values_list("created_at", flat=True).first()
    )
    if served_on > timezone.localdate(now) or (filed is not None and served_on < timezone.localdate(filed)):
        raise InvalidInput(
            "送达日期应在复议/诉讼登记之日至今天之间。",
            code="invalid_input.served_on",
            details={"field": "served_on"},
        )
    return served_on


def _ruling(item: Violation, ruling: str) -> str:
    """A 复议 ends in a 复议决定; a 诉讼's judgment is first-instance (open to appeal) or final."""
    if item.appeal_kind == AppealKind.REVIEW and ruling in ("", Ruling.REVIEW):
        return Ruling.REVIEW
    if item.appeal_kind == AppealKind.LAWSUIT and ruling in (Ruling.FIRST_INSTANCE, Ruling.FINAL):
        return ruling
    raise InvalidInput(
        "行政诉讼维持原决定时，请选择是一审判决（当事人可上诉）还是二审（终审）判决。"
        if item.appeal_kind == AppealKind.LAWSUIT
        else "行政复议的结果是复议决定。",
        code="invalid_input.ruling",
        details={"field": "ruling"},
    )


def resolve_appeal(
    violation: Violation | int,
    *,
    actor: User,
    upheld: bool,
    document: str,
    files: Sequence[appeal_files.Upload] = (),
    days: int | None = None,
    served_on: date | None = None,
    ruling: str = "",
    now: datetime | None = None,
) -> Violation:
    """The 复议/诉讼 result: 维持 resumes the deadline with the time it had left (or a new one when
    it was filed before the order), 撤销 closes the violation. The ruling is uploaded with it; a
    维持 also records which ruling it was and the day it was served on the owner, from which the
    15 days left to sue or appeal run (deadlines.remedy_periods: 强拆 waits for them)."""
    action = Action.UPHOLD if upheld else Action.REVOKE
    with photos.kept_only_if_committed(), VIOLATIONS.verb(violation, action, actor, now=now) as step:
        item = step.item
        document_text = text(document, "复议/诉讼结果文书", "document", min_len=4, max_len=500)
        cleaned = appeal_files.check(files)
        fields = ["paused_seconds", "demolish_by"]
        served: dict[str, str] = {}
        if upheld:
            served = {
                "ruling": _ruling(item, ruling),
                "served_on": _served_on(item, served_on, step.now).isoformat(),
            }
            if item.paused_seconds is not None:
                item.demolish_by = step.now + timedelta(seconds=item.paused_seconds)
            else:
                item.ordered_at = step.now
                item.demolish_by = step.now + timedelta(days=_days(days or 0))
                fields.append("ordered_at")
        else:
            item.closed_at, item.outcome = (
                step.now,
                f"经{item.get_appeal_kind_display()}，原决定被撤销：{document_text}",
            )
            fields += ["closed_at", "outcome"]
        item.paused_seconds = None
        event = step.record(
            note=document_text,
            payload={
                "upheld": upheld,
                "demolish_by": item.demolish_by.isoformat() if item.demolish_by else None,
                "files": len(cleaned),
                **served,
            },
            fields=fields,
        )
        appeal_files.store(
            item, cast(ViolationEvent, event), AppealFile.Stage.RULING, cleaned, actor=actor, now=step.now
        )
    return item


def announce(
    violation: Violation | int,
    *,
    actor: User,
    note: str = "",
    now: datetime | None = None,
) -> Violation:
    """强制拆除公告 (行政强制法 §44): once the 自拆 deadline has passed, the owner is given a last
    period (MOCHOU_ENFORCEMENT_NOTICE_DAYS) to demolish; 强拆 waits for it to run out (the guard)."""
    with clock(now), VIOLATIONS.verb(violation, Action.ANNOUNCE, actor, now=now) as step:
        item = step.item
        item.announced_at = step.now
        item.announce_until = step.now + timedelta(days=config.notice_days())
        doc = documents.issue(
            item,
            Document.Kind.ANNOUNCE,
            actor=actor,
            now=step.now,
            ordered=item.ordered_at,
            deadline=item.demolish_by,
            until=timezone.localtime(item.announce_until),
        )
        step.record(
            note=text(note, "说明", "note", min_len=0, max_len=500),
            payload={"document": doc.number, "announce_until": item.announce_until.isoformat()},
            fields=["announced_at", "announce_until"],
        )
    return item


def _demolish(
    violation: Violation | int,
    action: Action,
    *,
    actor: User,
    photo_data: list[bytes],
    note: str,
    now: datetime | None,
) -> Violation:
    # The guard's deadline check reads the verb's clock; the photos stay only if it commits.
    with (
        clock(now),
        photos.kept_only_if_committed(),
        VIOLATIONS.verb(violation, action, actor, now=now) as step,
    ):
        item = step.item
        cleaned = photos.check(photo_data)
        if not cleaned:
            raise InvalidInput(
                "请上传拆除现场照片。", code="invalid_input.photos", details={"field": "photos"}
            )
        forced = action == Action.FORCE_DEMOLISH
        payload: dict[str, Any] = {"photos": len(cleaned)}
        if forced:
            doc = documents.issue(
                item,
                Document.Kind.ENFORCE,
                actor=actor,
                now=step.now,
                ordered=item.ordered_at,
                deadline=item.demolish_by,
                appeal=documents.appeal_record(item),
                periods=deadlines.remedy_periods(item),
                announcement=item.documents.filter(kind=Document.Kind.ANNOUNCE).last(),
            )
            payload["document"] = doc.number
        item.demolished_at, item.demolished_by = step.now, actor
        item.demolition_kind = DemolitionKind.FORCED if forced else DemolitionKind.SELF
        item.demolished_in_time = item.demolish_by is not None and step.now <= item.demolish_by
        photos.store(item, Photo.Stage.DURING, cleaned, actor=actor, now=step.now)
        step.record(
            note=text(note, "拆除情况", "note", min_len=0, max_len=500),
            payload=payload,
            fields=["demolished_at", "demolished_by", "demolition_kind", "demolished_in_time"],
        )
    return item


def self_demolish(
    violation: Violation | int,
    *,
    actor: User,
    photo_data: list[bytes],
    note: str = "",
    now: datetime | None = None,
) -> Violation:
    """自拆: the owner took it down; recorded on site with photos."""
    return _demolish(violation, Action.SELF_DEMOLISH, actor=actor, photo_data=photo_data, note=note, now=now)


def force_demolish(
    violation: Violation | int,
    *,
    actor: User,
    photo_data: list[bytes],
    note: str = "",
    now: datetime | None = None,
) -> Violation:
    """组织强拆 after the deadline passed, with the 强制执行决定书."""
    return _demolish(violation, Action.FORCE_DEMOLISH, actor=actor, photo_data=photo_data, note=note, now=now)


def reinspect(
    violation: Violation | int,
    *,
    actor: User,
    passed: bool,
    photo_data: list[bytes],
    note: str,
    days: int = 7,
    now: datetime | None = None,
) -> Violation:
    """复核 on site with photos, by someone other than the demolisher and the finder (the guard);
    不通过 sends it back to 限期自拆 with a new deadline."""
    with (
        photos.kept_only_if_committed(),
        VIOLATIONS.verb(violation, Action.REINSPECT, actor, now=now) as step,
    ):
        item = step.item
        cleaned = photos.check(photo_data)
        if not cleaned:
            raise InvalidInput(
                "复核须上传现场照片。", code="invalid_input.photos", details={"field": "photos"}
            )
        finding = text(note, "复核意见", "note", min_len=4, max_len=500)
        fields = ["reinspected_by", "reinspected_at"]
        item.reinspected_by, item.reinspected_at = actor, step.now
        payload: dict[str, Any] = {"passed": passed, "photos": len(cleaned)}
        if not passed:
            item.demolish_by = step.now + timedelta(days=_days(days))
            item.announced_at = item.announce_until = None  # a new deadline, a new 公告 if it passes
            fields += ["demolish_by", "announced_at", "announce_until"]
            payload["demolish_by"] = item.demolish_by.isoformat()  # the board reads past deadlines
        photos.store(item, Photo.Stage.AFTER, cleaned, actor=actor, now=step.now)
        step.record(
            note=finding,
            payload=payload,
            fields=fields,
            action=None if passed else Action.REJECT,
        )
    return item


def sign_off(
    violation: Violation | int, *, actor: User, note: str = "", now: datetime | None = None
) -> Violation:
    """销号: the office closes the violation for good, once re-inspected."""
    with VIOLATIONS.verb(violation, Action.SIGN_OFF, actor, now=now) as step:
        item = step.item
        item.closed_at = step.now
        how = item.get_demolition_kind_display() or "拆除"
        when = timezone.localtime(item.demolished_at or step.now)
        item.outcome = (
            f"经查属违法建设（{item.area}平方米），已于{when:%Y年%m月%d日}{how}到位，经现场复核后销号。"
        )
        step.record(
            note=text(note, "销号意见", "note", min_len=0, max_len=500), fields=["closed_at", "outcome"]
        )
    return item


def record_accountability(
    violation: Violation | int,
    *,
    actor: User,
    person: str,
    unit: Unit,
    form: str,
    decided_on: date,
    note: str,
    now: datetime | None = None,
) -> Accountability:
    """问责 (person, unit, form, date): an event on the violation's log, its state unchanged."""
    with VIOLATIONS.verb(violation, Action.ACCOUNT, actor, now=now) as step:
        choice(form, Accountability.Form, "问责方式", "form")
        if decided_on > timezone.localdate(step.now):
            raise InvalidInput(
                "问责日期不能晚于今天。", code="invalid_input.date", details={"field": "decided_on"}
            )
        row = Accountability.objects.create(
            violation=step.item,
            person=text(person, "被问责人", "person", max_len=50),
            unit=unit,
            form=form,
            decided_on=decided_on,
            note=text(note, "问责事由", "note", min_len=4, max_len=500),
            recorded_by=actor,
            created_at=step.now,
        )
        step.record(
            note=row.note,
            payload={
                "person": row.person,
                "unit": unit.code,
                "form": form,
                "decided_on": decided_on.isoformat(),
            },
        )
    audit_record(actor=actor, action="enforcement.accountability", target=row, reason=row.note)
    return row
