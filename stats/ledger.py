"""The case ledger (台账): one row per case and unit it counts for, with the columns that decide
every rate, so that anyone can add the columns up and get the page's figures.

A case returned by one unit and handled by another has two rows (the return counts to the first,
the rest to the second). Cases registered in the period that count for nothing are listed too, as
排除, with the reason (merged, transferred, still running within its deadlines).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from accounts.privacy import mask_name, mask_phone, may_export_citizens
from cases.models import Case, Category, Satisfaction, category_q
from cases.workflow import OPEN_STATES, State
from org.models import Unit
from stats.counting import Window, answer_counts, callback_counts, final_in, stint_counts
from stats.models import AnswerFact, CallbackFact, StintFact
from stats.periods import Period
from stats.queries import window
from stats.rates import RATE_BY_CODE

if TYPE_CHECKING:
    from accounts.models import User

LIMIT = 100_000


@dataclass
class LedgerRow:
    case_id: int
    number: str = ""
    title: str = ""
    registered_at: datetime | None = None
    channel: str = ""
    kind: str = ""
    category: str = ""
    township: str = ""
    unit_id: int | None = None
    unit: str = ""
    level: str = ""
    citizen: str = ""
    phone: str = ""
    state_label: str = ""
    counts: Counter[str] = field(default_factory=Counter)
    accept: list[str] = field(default_factory=list)
    handle: list[str] = field(default_factory=list)
    callback: list[str] = field(default_factory=list)
    satisfaction: str = ""
    resolved: str = ""
    notes: list[str] = field(default_factory=list)
    excluded: str = ""

    @property
    def counted(self) -> str:
        return f"排除：{self.excluded}" if self.excluded else "计入"


def _stint_texts(row: LedgerRow, s: StintFact, w: Window) -> None:
    if w.holds(s.accept_anchor):
        if s.accept_on_time:
            row.accept.append("按时签收")
        elif s.accepted_at is not None and s.accepted_at < w.end:
            row.accept.append("超时签收")
        else:
            row.accept.append(
                "签收超时" + ("后退单" if s.returned_at and s.returned_at < w.end else "未签收")
            )
    if w.holds(s.handle_anchor):
        prefix = "重办段：" if s.start == StintFact.Start.REOPEN else ""
        if s.handle_on_time:
            row.handle.append(prefix + "按时答复")
        elif s.answered_at is not None and s.answered_at < w.end:
            row.handle.append(prefix + "超期答复")
        else:
            row.handle.append(prefix + "超期未答复")
    if s.start != StintFact.Start.REOPEN and w.holds(s.started_at) and w.before_end(s.returned_at):
        ruling = {"upheld": "异议成立", "rejected": "异议不成立", "pending": "待审核"}.get(s.ruling, "")
        row.notes.append(f"退单（{ruling}）" if ruling else "退单")


def _callback_texts(row: LedgerRow, c: CallbackFact) -> None:
    if c.reached:
        label = Satisfaction(c.satisfaction).label if c.satisfaction in Satisfaction.values else "—"
        row.satisfaction = label
        row.resolved = "是" if c.resolved else "否"
        row.callback.append(f"已回访：{label}，{'已解决' if c.resolved else '未解决'}")
    else:
        row.callback.append("未接通（按规定次数），不计解决率、满意率")


def _facts(
    w: Window, unit_ids: list[int] | None
) -> tuple[list[StintFact], list[AnswerFact], list[CallbackFact]]:
    def held(f: str) -> Q:
        return Q(**{f"{f}__gte": w.start, f"{f}__lt": w.end})

    stints = StintFact.objects.filter(
        (~Q(start=StintFact.Start.REOPEN) & held("started_at"))
        | held("accept_anchor")
        | held("handle_anchor")
    )
    answers = AnswerFact.objects.filter(held("at"))
    callbacks = CallbackFact.objects.filter(held("at") & (Q(next_at__isnull=True) | Q(next_at__gte=w.end)))
    if unit_ids is not None:
        stints = stints.filter(assessed_unit_id__in=unit_ids)
        answers = answers.filter(assessed_unit_id__in=unit_ids)
        callbacks = callbacks.filter(assessed_unit_id__in=unit_ids)
    return list(stints), list(answers), list(callbacks)


def ledger(
    period: Period,
    *,
    user: User,
    unit_id: int | None = None,
    level: str | None = None,
    rate: str | None = None,
    part: str | None = None,
    centre: bool = False,
    category_id: int | None = None,
    township_id: int | None = None,
    now: datetime | None = None,
) -> list[LedgerRow]:
    """The ledger for a filter: a unit (or the centre), a group, a rate and its numerator (`num`) or
    denominator (`den`) — the cases behind one number of the page; and, as the dashboard filters,
    the cases of a category (with everything below it) or of a township (所属乡镇)."""
    w = window(period, now)
    unit_ids: list[int] | None = None
    if unit_id is not None:
        unit_ids = [unit_id]
    elif level in ("township", "department"):
        unit_ids = list(Unit.objects.filter(kind=level).values_list("pk", flat=True))
    stints, answers, callbacks = _facts(w, unit_ids)
    rows: dict[tuple[int, int | None], LedgerRow] = {}

    def row_for(item: Any) -> LedgerRow:
        key = (item.case_id, item.assessed_unit_id)
        if key not in rows:
            rows[key] = LedgerRow(case_id=item.case_id, unit_id=item.assessed_unit_id)
        return rows[key]

    for s in stints:
        counts = stint_counts(s, w)
        if counts:
            r = row_for(s)
            r.counts.update(counts)
            _stint_texts(r, s, w)
    for a in answers:
        counts = answer_counts(a, w)
        if counts:
            r = row_for(a)
            r.counts.update(counts)
            if a.intake:
                r.notes.append("直接办结")
            if counts["callback_due"] and not counts["called_back"]:
                r.callback.append("待回访")
            if counts["reopened"]:
                r.notes.append("已发回重办")
    for c in callbacks:
        if final_in(c, w):
            r = row_for(c)
            r.counts.update(callback_counts(c, w))
            _callback_texts(r, c)
    if centre:
        rows = {k: v for k, v in rows.items() if k[1] is None}
    if rate in RATE_BY_CODE:
        counter = RATE_BY_CODE[rate].numerator if part == "num" else RATE_BY_CODE[rate].denominator
        rows = {k: v for k, v in rows.items() if v.counts.get(counter)}
    elif unit_id is None and not centre and level is None:
        _excluded(rows, period, w)
    return _describe(list(rows.values()), user, _cases_of(category_id, township_id))


def _cases_of(category_id: int | None, township_id: int | None) -> Q:
    """The dashboard's case filters as a condition on Case (no filter: every case)."""
    where = Q()
    if category_id is not None:
        path = Category.objects.filter(pk=category_id).values_list("path", flat=True).first()
        # An unknown category matches nothing, as on the dashboard.
        where &= category_q(path) if path else Q(pk__in=[])
    if township_id is not None:
        where &= Q(township_id=township_id)
    return where


def _excluded(rows: dict[tuple[int, int | None], LedgerRow], period: Period, w: Window) -> None:
    counted = {case_id for case_id, _ in rows}
    registered = Case.objects.filter(created_at__gte=w.start, created_at__lt=w.end).exclude(pk__in=counted)
    for pk, state, parent in registered.values_list("pk", "state", "parent__number")[:LIMIT]:
        if state == State.MERGED:
            why = f"重复件，已合并至 {parent}（随主工单计）"
        elif state == State.TRANSFERRED:
            why = "已转办外地平台"
        elif state in OPEN_STATES:
            why = "在办，未到签收或办理期限"
        else:
            why = "本期无计入事项"
        rows[(pk, None)] = LedgerRow(case_id=pk, excluded=why)


def _describe(rows: list[LedgerRow], user: User, where: Q) -> list[LedgerRow]:
    """Fill each row's case columns, masking citizens' data unless the role needs it; only the
    cases this user sees and `where` admits are kept."""
    visible = Case.objects.visible_to(user).filter(where)
    cases: dict[int, Case] = {}
    ids = sorted({r.case_id for r in rows})
    for i in range(0, len(ids), 2000):
        for case in visible.filter(pk__in=ids[i : i + 2000]).select_related("category", "township"):
            cases[case.pk] = case
    names = dict(Unit.objects.values_list("pk", "name"))
    kinds = dict(Unit.objects.values_list("pk", "kind"))
    personal = may_export_citizens(user)  # the one rule, in accounts.privacy
    out = []
    for r in rows:
        found = cases.get(r.case_id)
        if found is None:
            continue  # not this user's case
        case = found
        r.number, r.title, r.registered_at = case.number, case.title, case.created_at
        r.channel, r.kind = case.get_channel_display(), case.get_kind_display()
        r.category = case.category.path if case.category else ""
        r.township = case.township.name if case.township else ""
        r.unit = names.get(r.unit_id, "") if r.unit_id else ("12345热线中心" if not r.excluded else "")
        r.level = (
            {"township": "乡镇", "department": "市直部门"}.get(kinds.get(r.unit_id, ""), "")
            if r.unit_id
            else ""
        )
        r.citizen = case.citizen_name if personal else mask_name(case.citizen_name)
        r.phone = case.citizen_phone if personal else mask_phone(case.citizen_phone)
        r.state_label = case.state_label
        out.append(r)
    out.sort(key=lambda r: (r.number, r.unit))
    return out[:LIMIT]


def summed(rows: list[LedgerRow]) -> dict[int | None, Counter[str]]:
    """The ledger's columns added up per unit: equal to the page's counters (a test holds it)."""
    totals: dict[int | None, Counter[str]] = defaultdict(Counter)
    for r in rows:
        if not r.excluded:
            totals[r.unit_id].update(r.counts)
    return {u: +c for u, c in totals.items() if +c}
