"""The 事项清单's review: a department writes its matters, the 政务服务 office reviews them.

Built on loop.review: edits of a published matter go into a revision draft that the office
publishes (four eyes); every step is a MatterRevision with the content, so each published
content is a version. Materials and approval steps are edited as lines of text, read here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from accounts.models import Role
from affairs.models import Matter, MatterKind, MatterRevision, MatterStatus
from affairs.office import OFFICE_ROLES, is_office_staff
from loop import review
from loop.review import ReviewGuards, RevisionAction
from mochou.errors import InvalidInput, NotPermitted

MACHINE: review.ReviewMachine[MatterStatus] = review.ReviewMachine(
    MatterStatus, withdraw=RevisionAction.RETIRED, item_label="事项", code="affairs.matter"
)

WRITER_ROLES = (*OFFICE_ROLES, Role.ADMIN)
REVIEWER_ROLES = (*OFFICE_ROLES, Role.ADMIN)


def _own_matter(user: Any, matter: Matter) -> bool:
    """A department edits its own matters; the office may correct any."""
    return is_office_staff(user) or (user.unit_id is not None and user.unit_id == matter.department_id)


def _office_only(user: Any, matter: Matter) -> None:
    if not is_office_staff(user):
        raise NotPermitted("事项由政务服务管理部门审核。", code="affairs.matter.not_reviewer")


GUARDS: ReviewGuards[MatterStatus] = review.review_guards(
    MACHINE,
    noun="政务服务事项",
    writers=WRITER_ROLES,
    reviewers=REVIEWER_ROLES,
    four_eyes_exempt=[Role.ADMIN],
    own_unit=_own_matter,
)
# Reviewing is the office's, not any unit's clerk's: the roles are shared, the unit decides.
for _action in (RevisionAction.PUBLISHED, RevisionAction.RETURNED, RevisionAction.RETIRED):
    _rule = GUARDS.rules[_action]
    GUARDS.rules[_action] = replace(_rule, checks=(_office_only, *_rule.checks))


def bundle_conflicts(matter: Matter, fields: list[dict[str, Any]]) -> None:
    """The 一件事 that hold this matter ask its fields with the other parts' in one form: one key,
    one question. A definition of a key that another part defines differently is refused (409),
    naming both matters, before anything is published (an existing package would break)."""
    from affairs.formfields import union_fields
    from affairs.models import BundlePart

    for bundle_id in BundlePart.objects.filter(matter=matter).values_list("bundle_id", flat=True):
        others = (
            BundlePart.objects.filter(bundle_id=bundle_id).exclude(matter=matter).select_related("matter")
        )
        union_fields([*((p.matter.name, p.matter.fields) for p in others), (matter.name, fields)])


def _before_publish(item: Matter, target: Matter) -> None:
    bundle_conflicts(target, item.fields)


REVIEW: review.Review[Matter, MatterStatus] = review.Review(
    model=Matter, log=MatterRevision, item_field="matter", guards=GUARDS, before_publish=_before_publish
)

FORMS = {"原件": "original", "复印件": "copy", "原件及复印件": "both"}
FORM_LABELS = {value: label for label, value in FORMS.items()}
STEP_ROLES = {"承办人": Role.CLERK, "负责人": Role.UNIT_LEADER}
STEP_ROLE_LABELS: dict[str, str] = {str(value): label for label, value in STEP_ROLES.items()}
DEFAULT_STEPS = [{"name": "承办人审核", "role": Role.CLERK}, {"name": "负责人审批", "role": Role.UNIT_LEADER}]
IMMEDIATE_STEPS = [{"name": "审核办结", "role": Role.CLERK}]


def split_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """The catalogue's one-item-a-line text: each non-blank line's number (from 1) and its cells,
    split at ｜ (an ASCII | is read as one), stripped."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            yield number, [p.strip() for p in line.replace("|", "｜").split("｜")]


def parse_materials(text: str) -> list[dict[str, Any]]:
    """One material a line: 名称｜原件/复印件/原件及复印件｜份数｜可复用（可选）｜证照来源事项编码（可选）."""
    rows: list[dict[str, Any]] = []
    for number, parts in split_lines(text):
        if len(parts) < 3:
            raise InvalidInput(
                f"第{number}行应为“名称｜原件或复印件｜份数”。", code="affairs.matter.materials"
            )
        name, form, count = parts[0], parts[1], parts[2]
        if not name or form not in FORMS or not count.isdigit() or int(count) < 1:
            raise InvalidInput(
                f"第{number}行的材料形式应为原件、复印件或原件及复印件，份数为正整数。",
                code="affairs.matter.materials",
            )
        reusable = len(parts) > 3 and parts[3] == "可复用"
        rows.append(
            {
                "name": name[:100],
                "form": FORMS[form],
                "count": int(count),
                "reusable": reusable,
                "licence_of": parts[4][:32] if len(parts) > 4 else "",
            }
        )
    return rows


def materials_text(materials: list[dict[str, Any]]) -> str:
    lines = []
    for m in materials:
        parts = [m["name"], FORM_LABELS.get(m.get("form", ""), "原件"), str(m.get("count", 1))]
        if m.get("reusable") or m.get("licence_of"):
            parts.append("可复用" if m.get("reusable") else "")
        if m.get("licence_of"):
            parts.append(m["licence_of"])
        lines.append("｜".join(parts))
    return "\n".join(lines)


def parse_steps(text: str) -> list[dict[str, str]]:
    """One approval step a line: 环节名称｜承办人 or 负责人."""
    rows: list[dict[str, str]] = []
    for number, parts in split_lines(text):
        if len(parts) != 2 or not parts[0] or parts[1] not in STEP_ROLES:
            raise InvalidInput(f"第{number}行应为“环节名称｜承办人或负责人”。", code="affairs.matter.steps")
        rows.append({"name": parts[0][:40], "role": STEP_ROLES[parts[1]]})
    if not rows:
        raise InvalidInput("至少要有一个审批环节。", code="affairs.matter.steps")
    return rows


def steps_text(steps: list[dict[str, str]]) -> str:
    return "\n".join(f"{s['name']}｜{STEP_ROLE_LABELS.get(s['role'], '承办人')}" for s in steps)


def check_limits(values: Mapping[str, Any]) -> None:
    promised, statutory = values.get("promised_days", 0), values.get("statutory_days", 0)
    if values.get("kind") == MatterKind.IMMEDIATE:
        return
    if promised < 1:
        raise InvalidInput("承诺件的承诺时限至少 1 个工作日。", code="affairs.matter.promised_days")
    if promised > statutory:
        raise InvalidInput("承诺时限不能长于法定时限。", code="affairs.matter.promised_days")


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """The limits checked and the form fields in their stored shape (affairs.formfields)."""
    from affairs.formfields import check_fields

    check_limits(values)
    return {**values, "fields": check_fields(values.get("fields") or [])}


def create_matter(*, actor: Any, values: Mapping[str, Any], code: str) -> Matter:
    values = _checked(values)
    if Matter.objects.filter(code=code).exists():
        raise InvalidInput("事项编码已存在。", code="affairs.matter.code_taken")
    return REVIEW.create(actor=actor, values=values, code=code)


def edit_matter(matter: Matter, *, actor: Any, values: Mapping[str, Any]) -> Matter:
    values = _checked(values)
    return REVIEW.edit(matter, actor=actor, values=lambda target: values)


def import_matter(*, actor: Any, code: str, values: Mapping[str, Any]) -> tuple[Matter, bool]:
    """The demo's trusted catalogue: create or refresh a published matter (logged as 导入); its
    fields are checked as an edit's are, and against its packages as a publication's are."""
    from affairs.formfields import check_fields

    values = {**values, "fields": check_fields(values["fields"])} if "fields" in values else values
    matter = Matter.objects.filter(code=code).first()
    if matter is not None and REVIEW.holds(matter, values):
        return matter, False
    if matter is not None and "fields" in values:
        bundle_conflicts(matter, values["fields"])
    return REVIEW.import_(matter, actor=actor, values=values, code=code)


def published(code: str) -> Matter:
    return Matter.objects.live().get(code=code)
