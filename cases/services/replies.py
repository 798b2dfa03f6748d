"""The answer: the lead unit drafts it (提交答复), its leader approves or sends it back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from accounts.models import Role, User
from cases import hooks
from cases.attachments import MAX_FILES, CleanFile, store
from cases.models import Assignment, Case, Reply
from cases.services.common import CASES, now_or, tell_citizen, text
from cases.services.handling import withdraw_pending_extensions, withdraw_pending_suspensions
from cases.workflow import Action, State
from mochou.errors import Conflict, InvalidInput
from notifications.services import notify_unit, notify_users


def submit_reply(
    case: Case,
    *,
    actor: User,
    body: str,
    result: str = "",
    template: int | None = None,
    files: Sequence[CleanFile] = (),
    now: datetime | None = None,
) -> Reply:
    """提交答复: the lead unit's draft, to its leader; `template` names the reply template it was
    drafted from (counted by the templates' app through the hook); `files` are its attachments,
    already checked and cleaned (cases.attachments), stored with it."""
    with CASES.verb(case, Action.REPLY, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        answer = text(body, "答复内容", min_len=10)
        reply = Reply.objects.create(
            case=case, unit=case.lead_unit, author=actor, body=answer,
            result=text(result, "办理结果", required=False, max_len=200), submitted_at=now,
        )  # fmt: skip
        if len(files) > MAX_FILES:
            why = f"附件最多 {MAX_FILES} 个。"
            raise InvalidInput(why, code="invalid_input.files", details={"field": "files"})
        stored = store(reply, files, now)
        # The reply checks the clerk is shown (None without an app that checks), kept with the event.
        checks = hooks.reply_checks(case, answer)
        files_payload = [{"id": a.pk, "name": a.name, "sha256": a.sha256} for a in stored]
        step.record(
            note=answer,
            payload={"reply": reply.pk, "template": template, "checks": checks, "files": files_payload},
        )
        hooks.case_reply_submitted.send_after_commit(case_id=case.pk, reply_id=reply.pk, template_id=template)
        if case.lead_unit is not None:
            step.after_commit(
                notify_unit, case.lead_unit, kind="reply_submitted", roles=[Role.UNIT_LEADER],
                message=f"工单 {case.number} 的答复待您审核", case=case,
            )  # fmt: skip
    return reply


def _pending_reply(case: Case) -> Reply:
    reply = case.replies.filter(status=Reply.Status.SUBMITTED).order_by("-submitted_at").first()
    if reply is None:  # The state machine makes this unreachable; kept as a guard for bad data.
        raise Conflict("该工单没有待审核的答复。", code="case.no_pending_reply")
    return reply


def approve_reply(case: Case, *, actor: User, note: str = "", now: datetime | None = None) -> Reply:
    with CASES.verb(case, Action.APPROVE_REPLY, actor, now=now_or(now)) as step:
        case, now = step.item, step.now
        reply = _pending_reply(case)
        reply.status, reply.reviewer, reply.approved_at = Reply.Status.APPROVED, actor, now
        reply.review_note = text(note, "审核意见", required=False, max_len=500)
        reply.save(update_fields=["status", "reviewer", "approved_at", "review_note"])
        case.assignments.filter(unit=case.lead_unit, status=Assignment.Status.ACCEPTED).update(
            status=Assignment.Status.DONE
        )
        case.replied_at = now
        case.is_overdue_closed = bool(case.due_at and now > case.due_at)
        withdraw_pending_extensions(case, actor, now, "答复已审核通过，延期申请失效")
        withdraw_pending_suspensions(case, actor, now, "答复已审核通过，挂起申请失效")
        # What the leader's form showed (the same checks of the same text): approved knowingly.
        checks = hooks.reply_checks(case, reply.body)
        step.record(
            note=reply.review_note,
            payload={"reply": reply.pk, "late": case.is_overdue_closed, "checks": checks},
            fields=["replied_at", "is_overdue_closed"],
        )
        # No notice to every agent (issue 10, item 11): the case joins the callback pool (回访池),
        # where an agent claims it (cases.services.callback_pool).
        hooks.case_replied.send_after_commit(case_id=case.pk)
        # The citizen of the case, and of every duplicate merged into it, hears of the answer; the
        # rating is the callback, so only the case itself is rated, a duplicate just reads.
        tell_citizen(case, "case_replied", rate=True)
        for duplicate in case.duplicates.filter(state=State.MERGED):
            tell_citizen(duplicate, "case_replied", rate=False)
    return reply


def reject_reply(case: Case, *, actor: User, note: str, now: datetime | None = None) -> Reply:
    with CASES.verb(case, Action.REJECT_REPLY, actor, now=now_or(now)) as step:
        case = step.item
        why = text(note, "退回意见", min_len=2, max_len=500)
        reply = _pending_reply(case)
        reply.status, reply.reviewer, reply.review_note = Reply.Status.REJECTED, actor, why
        reply.save(update_fields=["status", "reviewer", "review_note"])
        step.record(note=why, payload={"reply": reply.pk})
        message = f"工单 {case.number} 的答复被退回：{why}"
        step.after_commit(notify_users, [reply.author], kind="reply_rejected", message=message, case=case)
    return reply
