"""The writes of 招商引资: registering a project, declaring its stages, the 招商局's review.

Every write goes through here. A project moves only in `approve_report`: the report is published
(loop/review.py) and the project's action taken (loop/verbs.py) in one transaction, with what it
counts (counting.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enterprises import creditcode
from enterprises.models import Enterprise
from loop.review import Review, RevisionAction
from loop.verbs import Loop
from mochou.errors import Conflict, InvalidInput, NotPermitted
from mochou.images import BadImage, clean_photo

from . import access
from .counting import count_approved
from .duplicates import check_duplicates
from .models import (
    REASONS,
    REPORT_FIELDS,
    Chain,
    Park,
    Project,
    ProjectEvent,
    ReportRevision,
    ReportStatus,
    StageDocument,
    StageReport,
)
from .workflow import MACHINE, STAGE_ACTIONS, STATE_OF, Action, State

if TYPE_CHECKING:
    from accounts.models import User
    from org.models import Unit

PROJECTS: Loop[Project, State, Action] = Loop(
    model=Project,
    event_model=ProjectEvent,
    item_field="project",
    machine=MACHINE,
    guards=access.PROJECT_GUARDS,
)
REPORTS: Review[StageReport, ReportStatus] = Review(
    model=StageReport, log=ReportRevision, item_field="report", guards=access.REPORT_GUARDS
)

# Stages explained in words (no document proves talks, a pause or a loss).
EXPLAINED: frozenset[Action] = frozenset({Action.NEGOTIATE, Action.PAUSE, Action.TERMINATE})
# Stages proved by documents (合同, 营业执照, 土地成交确认书, 施工许可证, 竣工验收, 投产证明 …);
# 在谈, 暂停 and 终止 are explained in words.
NEEDS_DOCUMENTS: frozenset[Action] = frozenset(a for a in STAGE_ACTIONS if a not in EXPLAINED)
DOCUMENT_TYPES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd"})
IMAGE_TYPES = frozenset({".jpg", ".jpeg", ".png"})  # re-encoded by mochou.images
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_WAN = Decimal("999999999999.99")


# ---------------------------------------------------------------- cleaning


def _invalid(field: str, message: str, code: str = "investment.invalid") -> InvalidInput:
    return InvalidInput(message, code=code, details={"field": field})


def clean_text(value: Any, field: str, label: str, *, max_len: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise _invalid(field, f"请填写{label}。", "investment.required")
    if len(text) > max_len:
        raise _invalid(field, f"{label}最多{max_len}个字。")
    return text


def clean_wan(value: Any, field: str, label: str, *, required: bool = False) -> Decimal | None:
    """An amount in 万元: a non-negative decimal with at most two places."""
    if value in (None, ""):
        if required:
            raise _invalid(field, f"请填写{label}（万元）。", "investment.required")
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise _invalid(field, f"{label}应为数字（单位：万元）。") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_WAN:
        raise _invalid(field, f"{label}应为不小于0的金额（单位：万元）。")
    if amount != amount.quantize(Decimal("0.01")):
        raise _invalid(field, f"{label}最多保留两位小数（单位：万元）。")
    return amount.quantize(Decimal("0.01"))


def clean_credit_code(value: Any, field: str, *, required: bool) -> str:
    if not str(value or "").strip():
        if required:
            raise _invalid(field, "请填写投资方的统一社会信用代码。", "investment.required")
        return ""
    try:
        return creditcode.validate(str(value))
    except creditcode.CreditCodeError as error:
        raise InvalidInput(error.message, code=error.code, details={"field": field}) from None


def _next_number(year: int) -> str:
    prefix = f"ZS{year}"
    last = (
        Project.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _enterprise_for(credit_code: str) -> Enterprise | None:
    """The investor as the 店小二 app knows it (same 统一社会信用代码), if it is registered there."""
    return Enterprise.objects.filter(credit_code=credit_code).first() if credit_code else None


def clean_project(data: Mapping[str, Any], *, current: Project | None = None) -> dict[str, Any]:
    """The project's registered facts, cleaned. Editing (`current`) keeps a chain or park that has
    since been switched off in the admin: the project was attracted for it."""
    chain = data.get("chain")
    kept_chain = current is not None and chain == current.chain
    if not isinstance(chain, Chain) or not (chain.is_active or kept_chain):
        raise _invalid("chain", "请选择产业链。", "investment.required")
    park = data.get("park")
    kept_park = current is not None and park == current.park
    if park is not None and (not isinstance(park, Park) or not (park.is_active or kept_park)):
        raise _invalid("park", "园区不正确。")
    township = data.get("township")
    if township is None or getattr(township, "kind", "") != "township":
        raise _invalid("township", "请选择项目所在乡镇。", "investment.required")
    source = str(data.get("source") or "")
    from .models import Source

    if source not in Source.values:
        raise _invalid("source", "请选择项目来源。", "investment.required")
    raw_jobs = data.get("expected_jobs")
    jobs: int | None = None
    if raw_jobs not in (None, ""):
        try:
            jobs = int(str(raw_jobs))
        except ValueError:
            raise _invalid("expected_jobs", "预计就业应为整数（人）。") from None
        if jobs < 0:
            raise _invalid("expected_jobs", "预计就业应为整数（人）。")
    credit = clean_credit_code(data.get("investor_credit_code"), "investor_credit_code", required=False)
    values: dict[str, Any] = {
        "code_name": clean_text(data.get("code_name"), "code_name", "项目代号", max_len=60),
        "name": clean_text(data.get("name"), "name", "项目名称", max_len=100),
        "investor_name": clean_text(data.get("investor_name"), "investor_name", "投资方", max_len=100),
        "investor_credit_code": credit,
        "investor": _enterprise_for(credit),
        "source": source,
        "source_detail": clean_text(
            data.get("source_detail"), "source_detail", "来源说明", max_len=100, required=False
        ),
        "chain": chain,
        "park": park,
        "township": township,
        "total_investment": clean_wan(
            data.get("total_investment"), "total_investment", "协议总投资", required=True
        ),
        "first_phase_investment": clean_wan(
            data.get("first_phase_investment"), "first_phase_investment", "首期投资"
        ),
        "registered_capital": clean_wan(data.get("registered_capital"), "registered_capital", "注册资本"),
        "expected_output": clean_wan(data.get("expected_output"), "expected_output", "预计年产值"),
        "expected_tax": clean_wan(data.get("expected_tax"), "expected_tax", "预计年税收"),
        "expected_jobs": jobs,
        "is_leading": bool(data.get("is_leading")),
        "is_little_giant": bool(data.get("is_little_giant")),
        "is_tech_upgrade": bool(data.get("is_tech_upgrade")),
        "patron_leader": data.get("patron_leader"),
        "task_force": clean_text(data.get("task_force"), "task_force", "专班", max_len=60, required=False),
        "liaison": data.get("liaison"),
        "planned_start": data.get("planned_start"),
    }
    first = values["first_phase_investment"]
    if first is not None and first > values["total_investment"]:
        raise _invalid("first_phase_investment", "首期投资不能大于协议总投资。")
    if values["planned_start"] is not None:
        values["planned_start"] = values["planned_start"].replace(day=1)
    return values


# ---------------------------------------------------------------- registering


def register_project(
    *,
    actor: User,
    data: Mapping[str, Any],
    responsible_unit: Unit | None = None,
    now: datetime | None = None,
) -> Project:
    """登记项目 (state 待审核) with its first stage report, 在谈, as a draft to declare."""
    if not access.may_register(actor):
        raise NotPermitted("您没有登记招商项目的权限。", code="investment.not_permitted")
    values = clean_project(data)
    unit = responsible_unit or actor.unit
    if unit is None:
        raise _invalid("responsible_unit", "请选择责任单位。", "investment.required")
    if not access.sees_all(actor) and unit.pk != actor.unit_id:
        raise NotPermitted("只能登记本单位负责的项目。", code="investment.not_your_unit")
    now = now or timezone.now()
    with PROJECTS.start(Action.REGISTER, actor, now=now) as step:
        check_duplicates(values["name"], values["investor_credit_code"], values["investor_name"])
        number = _next_number(timezone.localtime(now).year)
        project = PROJECTS.create(
            step, **values, number=number, responsible_unit=unit, created_by=actor, created_at=now
        )
        step.record(payload={"number": number})
    return project


# ---------------------------------------------------------------- editing


# What update_project may change: the facts clean_project cleans (the investor link follows the
# credit code), and the responsible unit.
PROJECT_FIELDS: tuple[str, ...] = (
    "code_name", "name", "investor_name", "investor_credit_code", "source", "source_detail", "chain",
    "park", "township", "total_investment", "first_phase_investment", "registered_capital",
    "expected_output", "expected_tax", "expected_jobs", "is_leading", "is_little_giant",
    "is_tech_upgrade", "patron_leader", "task_force", "liaison", "planned_start",
)  # fmt: skip
# Once signed, these change only through a reviewed stage, which counts them (counting.py rules
# 3 and 4): an edit would move the counted figures without review.
SIGNED_BY_STAGE: dict[str, tuple[str, Action]] = {
    "investor_name": ("投资方", Action.CHANGE_INVESTOR),
    "investor_credit_code": ("投资方统一社会信用代码", Action.CHANGE_INVESTOR),
    "total_investment": ("协议总投资", Action.UPGRADE),
}


def update_project(
    project: Project,
    *,
    actor: User,
    data: Mapping[str, Any],
    responsible_unit: Unit | None = None,
    request: Any = None,
) -> Project:
    """修改项目信息 (the responsible unit or the 招商局; not a lost project): `data` holds the
    fields to change, the others stay. Duplicates are checked again, the 店小二 enterprise is
    linked again by the credit code, and the change (old and new values) goes to the audit log."""
    from accounts.audit.services import changes, record, snapshot

    with transaction.atomic():
        project = PROJECTS.lock(project.pk)
        access.check_edit(actor, project)
        given = {k: v for k, v in data.items() if k in PROJECT_FIELDS}
        current = {name: getattr(project, name) for name in PROJECT_FIELDS}
        values = clean_project(current | given, current=project)
        if project.signings.exists():
            for name, (label, stage) in SIGNED_BY_STAGE.items():
                # A code missing at signing cannot be (approval refuses it); an old row may lack it.
                if values[name] != current[name] and current[name] not in ("", None):
                    raise Conflict(
                        f"项目已签约：{label}的变化请申报“{stage.label}”，经审核后按计数规则计入。",
                        code="investment.signed_fact",
                        details={"field": name},
                    )
        unit = responsible_unit or project.responsible_unit
        if unit.pk != project.responsible_unit_id and not access.sees_all(actor):
            raise NotPermitted("只有招商局可以更换项目的责任单位。", code="investment.not_your_unit")
        check_duplicates(
            values["name"], values["investor_credit_code"], values["investor_name"], exclude=project.pk
        )
        values["responsible_unit"] = unit
        audited = [*values]
        before = snapshot(project, audited)
        for name, value in values.items():
            setattr(project, name, value)
        old, new = changes(before, snapshot(project, audited))
        if not new and not old:
            return project
        project.save(update_fields=[*old.keys() | new.keys(), "updated_at"])
        record(
            actor=actor, action="investment.project_edit", target=project, old=old, new=new, request=request
        )
    return project


# ---------------------------------------------------------------- declaring a stage


def _last_approved(project: Project) -> StageReport | None:
    return (
        project.reports.filter(status=ReportStatus.PUBLISHED)
        .exclude(stage__in=[Action.UPGRADE, Action.CHANGE_INVESTOR])
        .order_by("-date", "-pk")
        .first()
    )


def clean_report(project: Project, data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    stage = str(data.get("stage") or "")
    if stage not in {a.value for a in STAGE_ACTIONS}:
        raise _invalid("stage", "请选择申报的阶段。", "investment.required")
    day = data.get("date")
    if not isinstance(day, date):
        raise _invalid("date", "请填写该阶段的日期。", "investment.required")
    if day > today:
        raise _invalid("date", "日期不能晚于今天：阶段发生之后再申报。")
    last = _last_approved(project)
    if last is not None and day < last.date and stage in STATE_OF:
        raise _invalid("date", f"日期不能早于上一阶段（{last.get_stage_display()} {last.date:%Y-%m-%d}）。")
    values: dict[str, Any] = {name: None if name == "new_total_investment" else "" for name in REPORT_FIELDS}
    values |= {"stage": stage, "date": day}
    values["note"] = clean_text(
        data.get("note"), "note", "情况说明", max_len=2000, required=stage in EXPLAINED
    )
    if stage == Action.SIGN:
        values["event_name"] = clean_text(
            data.get("event_name"), "event_name", "签约活动", max_len=100, required=False
        )
    reasons = REASONS.get(stage)
    if reasons is not None:
        reason = str(data.get("reason") or "")
        if reason not in reasons.values:
            raise _invalid("reason", "请选择原因。", "investment.required")
        values["reason"] = reason
    if stage == Action.UPGRADE:
        total = clean_wan(
            data.get("new_total_investment"), "new_total_investment", "增资后总投资", required=True
        )
        if total is None or total <= project.total_investment:
            raise _invalid(
                "new_total_investment", f"增资后总投资应大于现协议总投资（{project.total_investment} 万元）。"
            )
        values["new_total_investment"] = total
    if stage == Action.CHANGE_INVESTOR:
        values["new_investor_name"] = clean_text(
            data.get("new_investor_name"), "new_investor_name", "新投资方", max_len=100
        )
        code = clean_credit_code(
            data.get("new_investor_credit_code"), "new_investor_credit_code", required=True
        )
        if code == project.investor_credit_code:
            raise _invalid("new_investor_credit_code", "新投资方与原投资方相同。")
        values["new_investor_credit_code"] = code
        # The new investor may hold other projects, not this one again.
        check_duplicates(project.name, code, values["new_investor_name"], exclude=project.pk)
    if project.state == State.TERMINATED:
        _check_won_back(project)
    return values


def declare_stage(
    project: Project, *, actor: User, data: Mapping[str, Any], today: date | None = None
) -> StageReport:
    """A new stage report (draft): the declarer adds its documents, then submits it."""
    if not access.REPORT_GUARDS.own_unit(actor, StageReport(project=project)):
        raise NotPermitted("只能申报本单位负责的项目。", code="investment.not_your_unit")
    if open_report(project) is not None:
        raise Conflict("该项目已有一份申报在办理中，请先完成它。", code="investment.report_open")
    values = clean_report(project, data, today=today or timezone.localdate())
    return REPORTS.create(actor=actor, values=values, project=project)


def edit_report(
    report: StageReport, *, actor: User, data: Mapping[str, Any], today: date | None = None
) -> StageReport:
    day = today or timezone.localdate()
    return REPORTS.edit(
        report, actor=actor, values=lambda target: clean_report(target.project, data, today=day)
    )


def add_document(
    report: StageReport, *, actor: User, title: str, file: File[Any], now: datetime | None = None
) -> StageDocument:
    """Attach a document to a report still being written (a submitted one is what is reviewed)."""
    access.REPORT_GUARDS.check(actor, report, RevisionAction.EDITED)
    if report.status != ReportStatus.DRAFT:
        raise Conflict("只能在申报前上传材料；已提交的申报请先退回。", code="investment.report_submitted")
    # The API's JSON names the file: "../x.pdf" or "/etc/x.pdf" would make the storage refuse it
    # (SuspiciousFileOperation, a bare 400); only the name's last part is kept.
    name = Path(file.name or "").name
    file.name = name
    suffix = Path(name).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise _invalid("file", "材料应为 PDF、OFD、图片、Word 或 Excel 文件。")
    if (file.size or 0) > MAX_DOCUMENT_BYTES:
        raise _invalid("file", "单个材料不能超过 20MB。")
    if not file.size:
        raise _invalid("file", "文件是空的。")
    if suffix in IMAGE_TYPES:
        file = _clean_image(file, name)
    return StageDocument.objects.create(
        report=report,
        title=clean_text(title, "title", "材料名称", max_len=60),
        file=file,
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
    )


def _clean_image(file: File[Any], name: str) -> File[Any]:
    """A photo of a stage (a site, a licence) through the one image checker: re-encoded, without
    its EXIF (a phone's photo carries where it was taken and by which phone), stored as it says."""
    file.seek(0)
    try:
        image = clean_photo(file.read())
    except BadImage as error:
        raise _invalid("file", str(error)) from None
    return ContentFile(image.data, name=f"{Path(name).stem}.{image.info.extension}")


def submit_report(report: StageReport, *, actor: User, note: str = "") -> StageReport:
    if report.stage in NEEDS_DOCUMENTS and not report.documents.exists():
        raise Conflict(
            f"申报“{report.get_stage_display()}”须上传证明材料。", code="investment.documents_required"
        )
    return REPORTS.submit(report, actor=actor, note=note)


def return_report(report: StageReport, *, actor: User, note: str) -> StageReport:
    """招商局退回, with its opinion (required); the declarer corrects and submits again."""
    return REPORTS.send_back(report, actor=actor, note=note)


# ---------------------------------------------------------------- the review that moves a project


def approve_report(
    report: StageReport, *, actor: User, note: str = "", now: datetime | None = None
) -> StageReport:
    """招商局审核通过: the report is published and the project takes its stage, in one transaction."""
    now = now or timezone.now()
    action = Action(report.stage)
    with transaction.atomic():
        PROJECTS.lock(report.project_id)  # the project first, then the report: one order everywhere
        published = REPORTS.publish(report, actor=actor, note=note)
        with PROJECTS.verb(published.project_id, action, actor, now=now) as step:
            project = step.item
            old_total = project.total_investment
            fields = _apply(project, published, action, step.to_state)
            signing = count_approved(project, published, old_total=old_total, now=now)
            step.record(
                note=note,
                payload={
                    "report": published.pk,
                    "stage": action.value,
                    "date": published.date.isoformat(),
                    "counted": signing.kind if signing is not None else "",
                },
                fields=fields,
            )
    return published


def _check_won_back(project: Project) -> None:
    """A lost project won back (在谈/签约 again) is live again: while it was lost it was no
    duplicate, so the same project may have been registered anew meanwhile."""
    check_duplicates(project.name, project.investor_credit_code, project.investor_name, exclude=project.pk)


def _apply(project: Project, report: StageReport, action: Action, to_state: State) -> list[str]:
    """What an approved stage changes on the project besides its state; the fields written."""
    if action == Action.SIGN and not project.investor_credit_code:
        raise Conflict("签约前请补充投资方的统一社会信用代码。", code="investment.credit_code_required")
    if project.state == State.TERMINATED:
        _check_won_back(project)
    if action == Action.PAUSE:
        project.paused_from = project.state
        return ["paused_from"]
    if project.state == State.PAUSED and to_state != State.PAUSED:
        project.paused_from = ""
        return ["paused_from"]
    if action == Action.UPGRADE:
        if report.new_total_investment is None:  # clean_report requires it; an old row may not
            raise Conflict("增资申报缺少增资后总投资。", code="investment.upgrade_total")
        project.total_investment = report.new_total_investment
        return ["total_investment"]
    if action == Action.CHANGE_INVESTOR:
        check_duplicates(
            project.name, report.new_investor_credit_code, report.new_investor_name, exclude=project.pk
        )
        project.investor_name = report.new_investor_name
        project.investor_credit_code = report.new_investor_credit_code
        project.investor = _enterprise_for(report.new_investor_credit_code)
        return ["investor_name", "investor_credit_code", "investor"]
    return []


def stage_options(project: Project) -> list[tuple[str, str]]:
    """The stages a report may declare for this project now (the table's, resuming forward)."""
    options = []
    for act in MACHINE.allowed_actions(project.state):
        try:
            access.check_resume(project, act.value)
        except Conflict:
            continue
        options.append((act.value, str(act.label)))
    return options


def open_report(project: Project) -> StageReport | None:
    """The report under way (draft or submitted), if any: one at a time keeps the review simple."""
    return project.reports.filter(status__in=[ReportStatus.DRAFT, ReportStatus.SUBMITTED]).first()


def pending_reports(user: User) -> Any:
    """待审核: submitted reports, for the 招商局."""
    return (
        StageReport.objects.filter(
            status=ReportStatus.SUBMITTED, project__in=Project.objects.visible_to(user)
        )
        .select_related("project", "editor")
        .order_by("updated_at")
    )


def projects_matching(user: User, q: str) -> Any:
    rows = Project.objects.visible_to(user)
    if q:
        where = Q(number__icontains=q) | Q(code_name__icontains=q)
        if access.may_see_confidential(user):
            where |= Q(name__icontains=q) | Q(investor_name__icontains=q)
        rows = rows.filter(where)
    return rows


# ---------------------------------------------------------------- park output (梧桐树)


def record_output(
    *, actor: User, park: Park | None, month: date, output: Any, request: Any = None
) -> tuple[Any, bool]:
    """Enter (or correct) a park's — or, with no park, the city's — industrial output of a month."""
    from accounts.audit.services import record

    from .models import ParkOutput

    if not (access.is_office_staff(actor) or actor.is_superuser):
        raise NotPermitted("只有招商局可以填报园区产值。", code="investment.not_permitted")
    amount = clean_wan(output, "output", "工业总产值", required=True)
    if amount is None:  # required: clean_wan raised
        raise _invalid("output", "请填写工业总产值（万元）。", "investment.required")
    first = month.replace(day=1)
    with transaction.atomic():
        row, created = ParkOutput.objects.select_for_update().get_or_create(
            park=park, month=first, defaults={"output": amount, "entered_by": actor}
        )
        old = {"output": str(row.output)} if not created else {}
        if not created:
            row.output, row.entered_by = amount, actor
            row.save(update_fields=["output", "entered_by", "updated_at"])
        record(
            actor=actor,
            action="investment.output",
            target=row,
            old=old,
            new={"output": str(amount)},
            request=request,
        )
    return row, created


def record_funds(
    project: Project, *, actor: User, month: date, amount: Any, today: date | None = None, request: Any = None
) -> Any:
    """到位资金 of a signed project for a month (the responsible unit or the 招商局); audited."""
    from accounts.audit.services import record

    from .models import FundsArrival

    if not access.REPORT_GUARDS.own_unit(actor, StageReport(project=project)) or not access.may_register(
        actor
    ):
        raise NotPermitted("只能填报本单位负责项目的到位资金。", code="investment.not_your_unit")
    if not project.signings.exists():
        raise Conflict("项目签约（审核通过）后才能填报到位资金。", code="investment.not_signed")
    value = clean_wan(amount, "amount", "到位资金", required=True)
    if value is None:  # required: clean_wan raised
        raise _invalid("amount", "请填写到位资金（万元）。", "investment.required")
    first = month.replace(day=1)
    if first > (today or timezone.localdate()):
        raise _invalid("month", "不能填报以后月份的到位资金。")
    with transaction.atomic():
        row, created = FundsArrival.objects.select_for_update().get_or_create(
            project=project, month=first, defaults={"amount": value, "entered_by": actor}
        )
        old = {} if created else {"amount": str(row.amount)}
        if not created:
            row.amount, row.entered_by = value, actor
            row.save(update_fields=["amount", "entered_by", "updated_at"])
        record(
            actor=actor,
            action="investment.funds",
            target=row,
            old=old,
            new={"amount": str(value)},
            request=request,
        )
    return row
