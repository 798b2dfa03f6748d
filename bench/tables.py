"""The tables the generator fills, their columns (checked against the models), and the row buffers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from cases.models import (
    Assignment,
    Callback,
    Case,
    CaseEvent,
    Dispute,
    Extension,
    Reply,
    Suspension,
)
from supervision.models import Notice, NoticeEvent


@dataclass(frozen=True)
class Table:
    model: type
    columns: tuple[str, ...]  # attnames, in the order of the generated tuples

    def check(self) -> None:
        """Stop early when a model gained or lost a column the generator does not know about."""
        actual = {f.attname for f in self.model._meta.concrete_fields}  # type: ignore[attr-defined]
        if actual != set(self.columns):
            missing, extra = sorted(actual - set(self.columns)), sorted(set(self.columns) - actual)
            raise SystemExit(
                f"bench.generate: {self.model.__name__} changed: the model has {missing} the generator "
                f"does not write, and the generator writes {extra} the model lacks."
            )

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table  # type: ignore[attr-defined]

    def db_columns(self) -> list[str]:
        by_attname = {f.attname: f.column for f in self.model._meta.concrete_fields}  # type: ignore[attr-defined]
        return [by_attname[c] for c in self.columns]


# The case row: every column but the state comes from the case's draft (bench.emitters.CaseDraft has
# attributes of these names); the state, last, is the value the walk through next_state ended on.
CASE_DRAFT_COLUMNS = (
    "id",
    "number",
    "channel",
    "kind",
    "title",
    "content",
    "citizen_name",
    "citizen_phone",
    "address",
    "township_id",
    "category_id",
    "urgency",
    "limit_version_id",
    "lead_unit_id",
    "parent_id",
    "transferred_to",
    "registered_by_id",
    "created_at",
    "dispatched_at",
    "accept_due_at",
    "due_at",
    "suspended_until",
    "replied_at",
    "closed_at",
    "reopen_count",
    "callback_attempts",
    "satisfaction",
    "resolved",
    "is_overdue_closed",
    # Issue 10: a rectification's deadline and the callback pool's claim (none generated yet, see
    # bench/tests/test_generate.py NOT_GENERATED), and 提级办理's time (generated).
    "rectify_due_at",
    "callback_claimed_by_id",
    "callback_claimed_until",
    "escalated_at",
    "updated_at",
)
CASE = Table(Case, (*CASE_DRAFT_COLUMNS, "state"))
EVENT = Table(
    CaseEvent,
    (
        "id",
        "case_id",
        "seq",
        "action",
        "from_state",
        "to_state",
        "actor_id",
        "actor_unit_id",
        "note",
        "payload",
        "created_at",
    ),
)
ASSIGNMENT = Table(
    Assignment,
    (
        "id",
        "case_id",
        "unit_id",
        "role",
        "status",
        "dispatched_by_id",
        "dispatched_at",
        "accepted_at",
        "return_reason",
    ),
)
REPLY = Table(
    Reply,
    (
        "id",
        "case_id",
        "unit_id",
        "author_id",
        "body",
        "result",
        "status",
        "submitted_at",
        "reviewer_id",
        "review_note",
        "approved_at",
    ),
)
CALLBACK = Table(Callback, ("id", "case_id", "by_id", "at", "outcome", "resolved", "satisfaction", "comment"))
# A 督办单 as issued (蓝色, 已下发) with its one ISSUE event: the bench supervises, nobody answers.
NOTICE = Table(
    Notice,
    (
        "id", "number", "case_id", "unit_id", "supervisor_id", "colour", "state", "body", "major",
        "addressed_to_id", "previous_id", "created_at", "sign_by", "respond_by", "signed_at",
        "signed_by_id", "answer", "answered_at", "answered_by_id", "return_note", "approved_at",
        "approved_by_id", "updated_at",
    ),
)  # fmt: skip
NOTICE_EVENT = Table(
    NoticeEvent,
    (
        "id", "notice_id", "seq", "action", "from_state", "to_state", "actor_id", "actor_unit_id",
        "note", "payload", "created_at",
    ),
)  # fmt: skip
EXTENSION = Table(
    Extension,
    (
        "id",
        "case_id",
        "unit_id",
        "requested_by_id",
        "requested_at",
        "days",
        "reason",
        "status",
        "decided_by_id",
        "decided_at",
        "decision_note",
    ),
)
SUSPENSION = Table(
    Suspension,
    (
        "id",
        "case_id",
        "unit_id",
        "reason",
        "explanation",
        "document",
        "days",
        "requested_by_id",
        "requested_at",
        "status",
        "decided_by_id",
        "decided_at",
        "decision_note",
        "started_at",
        "limit_at",
        "ended_at",
        "ended_by_id",
        "suspended_hours",
    ),
)
# 派单异议: a generated 退单's dispute and the centre's ruling on it.
DISPUTE = Table(
    Dispute,
    (
        "id", "case_id", "unit_id", "co_units", "reason", "explanation", "suggested_unit_id",
        "returned_by_id", "returned_at", "dispatched_at", "status", "ruled_by_id", "ruled_at", "ruling",
        "decided_unit_id", "amend_catalogue",
    ),
)  # fmt: skip
# In the order COPY writes them: parents before the rows that point at them.
TABLES = (CASE, EVENT, ASSIGNMENT, REPLY, CALLBACK, NOTICE, NOTICE_EVENT, EXTENSION, SUSPENSION, DISPUTE)

Row = tuple[Any, ...]


class Output:
    """Ids handed out past what the database holds, and the rows of the current chunk per table."""

    def __init__(self) -> None:
        self.ids = {t.db_table: self._max_id(t) for t in TABLES}
        self.rows: dict[str, list[Row]] = {t.db_table: [] for t in TABLES}

    @staticmethod
    def _max_id(table: Table) -> int:
        return table.model.objects.aggregate(m=Max("id"))["m"] or 0  # type: ignore[attr-defined]

    def next_id(self, table: Table) -> int:
        self.ids[table.db_table] += 1
        return self.ids[table.db_table]

    def add(self, table: Table, row: Row) -> None:
        self.rows[table.db_table].append(row)

    def take(self) -> dict[str, list[Row]]:
        rows, self.rows = self.rows, {t.db_table: [] for t in TABLES}
        return rows
