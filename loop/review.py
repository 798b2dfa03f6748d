"""Reviewed content: texts the centre drafts, reviews and publishes — one mechanism for all of them.

    draft ──submit──> submitted ──publish──> published ──withdraw──> withdrawn
      ^                   │                      │      (a guide is archived, a template retired)
      └─────return────────┘                      └─edit─> revision draft (a new row, draft_of=…)
                                                          that follows the same flow; publishing
                                                          it replaces the published text in place

A published row holds the live text (same id, same links). Editing it writes a *revision draft*
that goes through review on its own and, once published, is copied onto the published row and
removed. Editing a submitted item takes it back to draft; editing a withdrawn one reopens it.
A reviewer may not publish the version they last edited themselves (four eyes), except the roles
an app names and superusers. Every step is a revision row with a snapshot of the content, filed
under the published ("root") item, so nothing written is lost.

An app brings its model (on `ReviewedContent`, with `status_field` and `draft_of_field`), its log
(on `RevisionBase`), its status choices (draft / submitted / published and its withdrawn state),
the roles per action and its words (`review_guards`); it takes from here the table
(`ReviewMachine` on `loop.machine.Machine`), the guards (on `loop.guards.Guards`), the verbs
(`Review`: each one transaction that locks the row, asks the guard and writes one revision row)
and the pages' parts (`Review.panel`, `Review.act`, `NoteForm`, templates/loop/review/).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from accounts.audit.services import record
from loop.guards import Actor, DataCheck, Guards, Item, UnitCheck
from loop.machine import Machine
from mochou.errors import DomainError, InvalidInput, NotPermitted, TransitionNotAllowed

S = TypeVar("S", bound=Enum)


class RevisionAction(models.TextChoices):
    """The steps of a reviewed item's life: the flow's actions and the entries of its log.

    Withdrawing has an app's own word and stored value (a guide is archived, a template retired);
    an app's log offers the one it uses (`RevisionAction.of`). Importing (the demo seed) is no
    action of the flow: it publishes trusted data directly and is logged as such.
    """

    CREATED = "created", "新建"
    EDITED = "edited", "修改"
    SUBMITTED = "submitted", "提交审核"
    PUBLISHED = "published", "审核发布"
    RETURNED = "returned", "退回修改"
    ARCHIVED = "archived", "归档"
    RETIRED = "retired", "停用"
    IMPORTED = "imported", "导入"

    @classmethod
    def of(cls, withdraw: RevisionAction) -> list[tuple[str, str]]:
        """The choices of a log whose items are withdrawn by `withdraw`."""
        other = {cls.ARCHIVED, cls.RETIRED} - {withdraw}
        return [(action.value, str(action.label)) for action in cls if action not in other]


Act = RevisionAction

# How refusals and the table speak of each action: (the verb of "只能提交本单位的…",
# the verb of "…不能提交审核。").
WORDS: dict[RevisionAction, tuple[str, str]] = {
    Act.CREATED: ("编写", "新建"),
    Act.EDITED: ("修改", "修改"),
    Act.SUBMITTED: ("提交", "提交审核"),
    Act.PUBLISHED: ("发布", "发布"),
    Act.RETURNED: ("退回", "退回"),
    Act.ARCHIVED: ("归档", "归档"),
    Act.RETIRED: ("停用", "停用"),
    Act.IMPORTED: ("导入", "导入"),
}
# The page's action URLs (…/act/<slug>/) for the actions a reviewer's or writer's button takes.
SLUGS: dict[str, RevisionAction] = {
    "submit": Act.SUBMITTED,
    "publish": Act.PUBLISHED,
    "return": Act.RETURNED,
    "archive": Act.ARCHIVED,
    "retire": Act.RETIRED,
}


# ---------------------------------------------------------------- the table


def review_table(states: type[S], withdraw: RevisionAction) -> dict[tuple[S | None, RevisionAction], S]:
    """The review flow over an app's status choices. Their values are the flow's: draft,
    submitted, published, and the withdrawn state, which shares its action's value (archived,
    retired)."""
    draft, submitted, published = states("draft"), states("submitted"), states("published")
    withdrawn = states(withdraw.value)
    return {
        (None, Act.CREATED): draft,
        (draft, Act.EDITED): draft,
        (submitted, Act.EDITED): draft,  # taken back: it is submitted again after the change
        (withdrawn, Act.EDITED): draft,  # reopened
        (published, Act.EDITED): published,  # the edit goes into a revision draft; the live text stays
        (draft, Act.SUBMITTED): submitted,
        (submitted, Act.PUBLISHED): published,
        (submitted, Act.RETURNED): draft,
        (published, withdraw): withdrawn,
    }


class ReviewMachine(Machine[S, RevisionAction]):
    """The review table of one app: its status choices, how it withdraws, its item's name and the
    prefix of its error codes (``knowledge.transition_not_allowed`` …)."""

    def __init__(self, states: type[S], *, withdraw: RevisionAction, item_label: str, code: str) -> None:
        super().__init__(
            states, RevisionAction, review_table(states, withdraw), item_label=item_label, code=code
        )
        self.withdraw = withdraw
        self.draft = states("draft")
        self.published = states("published")

    def next_state(self, state: S | str | None, action: RevisionAction | str) -> S:
        try:
            return super().next_state(state, action)
        except TransitionNotAllowed:
            current = self.states(state) if state else None
            act = RevisionAction(action)
            label = str(getattr(current, "label", "未登记"))
            raise TransitionNotAllowed(
                f"{self.item_label}当前为“{label}”，不能{WORDS[act][1]}。",
                code=f"{self.code}.transition_not_allowed",
                details={"status": current.value if current is not None else None, "action": act.value},
            ) from None


# ---------------------------------------------------------------- the guards


def _superuser(actor: object) -> bool:
    return bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False))


@dataclass
class ReviewGuards(Guards[S, RevisionAction]):
    """The guards of a review flow (`review_guards` builds them). Over `Guards`: a superuser may
    take every action, the state is the item's `status`, and a refusal of the role or the unit is
    said in the app's words with its code (`refusals`)."""

    machine: ReviewMachine[S]
    refusals: dict[RevisionAction, tuple[str, str]] = field(default_factory=dict)

    def may(self, actor: Actor, action: RevisionAction) -> bool:
        return (action in self.rules and _superuser(actor)) or super().may(actor, action)

    def check_actor(self, actor: Actor, action: RevisionAction) -> None:
        self._rule(action)
        if _superuser(actor):
            return
        try:
            super().check_actor(actor, action)
        except NotPermitted:
            raise self._refused(action) from None

    def check(self, actor: Actor, item: Item | ReviewedContent, action: RevisionAction) -> None:
        rule = self._rule(action)
        self.check_actor(actor, action)
        if rule.own_unit and not self.own_unit(actor, item):
            raise self._refused(action)
        self.machine.next_state(_status(item), action)
        for data_check in rule.checks:
            data_check(actor, item)

    def refusal(
        self, actor: Actor, item: Item | ReviewedContent, action: RevisionAction | str
    ) -> DomainError | None:
        try:
            self.check(actor, item, RevisionAction(action))
        except DomainError as error:
            return error
        return None

    def available(
        self, actor: Actor, item: Item | ReviewedContent, *, offered: Iterable[RevisionAction] | None = None
    ) -> list[RevisionAction]:
        if not getattr(actor, "is_authenticated", True):
            return []
        choices = set(offered) if offered is not None else None
        return [
            act
            for act in self.machine.allowed_actions(_status(item))
            if act in self.rules
            and (choices is None or act in choices)
            and self.refusal(actor, item, act) is None
        ]

    def _refused(self, action: RevisionAction) -> NotPermitted:
        message, code = self.refusals[action]
        return NotPermitted(message, code=code)


def _status(item: Item | ReviewedContent) -> str:
    return item.status if isinstance(item, ReviewedContent) else item.state


def four_eyes(*, exempt: Iterable[str], code: str) -> DataCheck:
    """A reviewer may not publish the version they last edited themselves, except the `exempt`
    roles and superusers."""
    exempt_roles = frozenset(str(role) for role in exempt)

    def check(actor: Any, item: Any) -> None:
        if actor.role in exempt_roles or _superuser(actor) or item.editor_id != actor.pk:
            return
        raise NotPermitted("不能审核发布自己最后修改的版本，请由其他审核人审核。", code=f"{code}.four_eyes")

    return check


def review_guards(
    machine: ReviewMachine[S],
    *,
    noun: str,
    writers: Iterable[str],
    reviewers: Iterable[str],
    four_eyes_exempt: Iterable[str] = (),
    own_unit: UnitCheck | None = None,
) -> ReviewGuards[S]:
    """Who may take each action: `writers` create, edit and submit (only their own unit's items
    when `own_unit` is given), `reviewers` publish (four eyes), return and withdraw. Refusals
    name the item (`noun`: 办事指南, 答复模板) and carry the app's codes."""
    # role_label=str: the refusals are the app's sentences, not built from the roles' names.
    guards: ReviewGuards[S] = ReviewGuards(
        machine, role_label=str, own_unit=own_unit or (lambda actor, item: True)
    )
    writer_roles, reviewer_roles, code = tuple(writers), tuple(reviewers), machine.code

    def add(action: RevisionAction, roles: tuple[str, ...], refused: tuple[str, str], **rule: Any) -> None:
        guards.rule(action, roles, what=f"{WORDS[action][0]}{noun}", **rule)
        guards.refusals[action] = refused

    add(Act.CREATED, writer_roles, (f"您没有编写{noun}的权限。", f"{code}.not_permitted"))
    for action in (Act.EDITED, Act.SUBMITTED):
        verb = WORDS[action][0]
        if own_unit is None:
            add(action, writer_roles, (f"您没有{verb}{noun}的权限。", f"{code}.not_permitted"))
        else:
            add(action, writer_roles, (f"只能{verb}本单位的{noun}。", f"{code}.not_your_unit"), own_unit=True)
    for action in (Act.PUBLISHED, Act.RETURNED, machine.withdraw):
        checks = [four_eyes(exempt=four_eyes_exempt, code=code)] if action == Act.PUBLISHED else []
        refused = (f"只有审核人可以{WORDS[action][0]}{noun}。", f"{code}.not_reviewer")
        add(action, reviewer_roles, refused, checks=checks)
    return guards


# ---------------------------------------------------------------- the models


def status_field(states: type[models.TextChoices]) -> models.CharField[Any, Any]:
    """A reviewed model's status, over the app's choices."""
    return models.CharField("状态", max_length=16, choices=states.choices, default=states("draft"))


def draft_of_field(verbose_name: str) -> models.ForeignKey[Any, Any]:
    """A revision draft's published item (none on a published or never-published one)."""
    return models.ForeignKey(
        "self",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revision_drafts",
    )


def published_is_root(name: str) -> models.CheckConstraint:
    """A published item is always a root: revision drafts never go live as rows."""
    return models.CheckConstraint(condition=~Q(status="published") | Q(draft_of__isnull=True), name=name)


def _person(verbose_name: str) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class ReviewedContent(models.Model):
    """The fields the review writes. The concrete model adds `status = status_field(…)`,
    `draft_of = draft_of_field(…)`, `updated_at` and its content, and names the content fields an
    editor writes (`content_fields`: what a revision draft copies and a snapshot holds)."""

    content_fields: ClassVar[tuple[str, ...]] = ()

    author = _person("编写人")
    editor = _person("最后修改人")
    reviewer = _person("审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    if TYPE_CHECKING:
        # Declared by the concrete model (status_field, draft_of_field, its log's foreign key).
        status: str
        draft_of: Self | None
        draft_of_id: int | None
        updated_at: datetime
        revision_drafts: models.Manager[Self]
        revisions: models.Manager[Any]

    class Meta:
        abstract = True

    @property
    def root(self) -> Self:
        """The published item this row is (or is a revision draft of)."""
        return self.draft_of or self

    def content(self) -> dict[str, Any]:
        """A JSON-able snapshot of the editable content (foreign keys as ids, dates as ISO text)."""
        attnames = {f.name: f.attname for f in self._meta.concrete_fields}
        data: dict[str, Any] = {}
        for name in self.content_fields:
            value = getattr(self, attnames[name])
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return data


class RevisionBase(models.Model):
    """One step in a reviewed item's life, with the content as it stood then (append-only). The
    concrete log adds its foreign key to the item (related_name="revisions") and its `action`
    (choices `RevisionAction.of(…)`)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    content = models.JSONField("内容快照", default=dict)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        abstract = True


# ---------------------------------------------------------------- the verbs

M = TypeVar("M", bound=ReviewedContent)


class NoteForm(forms.Form):
    """The note that goes with a review action (a reviewer's opinion, a writer's remark)."""

    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class Review(Generic[M, S]):
    """The review of one model: its log, its table, its guards, and the verbs every app's
    services call. `before_publish(item, target)` is the app's own rule checked at publishing,
    under the locks (one live SMS wording per state)."""

    def __init__(
        self,
        *,
        model: type[M],
        log: type[RevisionBase],
        item_field: str,
        guards: ReviewGuards[S],
        before_publish: Callable[[M, M], None] | None = None,
    ) -> None:
        self.model = model
        self.log_model = log
        self.item_field = item_field  # the log's foreign key to the item
        self.guards = guards
        self.machine = guards.machine
        self.before_publish = before_publish

    # ------------------------------------------------------------ the skeleton

    def lock(self, item: M | int) -> M:
        pk = item.pk if isinstance(item, models.Model) else item
        return self.model._default_manager.select_for_update().get(pk=pk)

    def log(self, item: M, action: RevisionAction, actor: Any, note: str = "") -> RevisionBase:
        """The one revision row of a step, filed under the root, with the content as it stands —
        and the same step in the one audit log (who, when, why, the content), for the auditor."""
        content = item.content()
        record(
            actor=actor, action=f"content.{action.value}", target=item.root, new=content, reason=note
        )  # fmt: skip
        return self.log_model._default_manager.create(
            **{self.item_field: item.root, "action": action}, actor=actor, note=note, content=content
        )

    @contextmanager
    def _verb(self, item: M, action: RevisionAction, actor: Any) -> Iterator[tuple[M, S]]:
        """One action in one transaction: the role refused before anything is read, the row
        locked, the guard (unit, state, data) and the table asked."""
        self.guards.check_actor(actor, action)
        with transaction.atomic():
            locked = self.lock(item)
            self.guards.check(actor, locked, action)
            yield locked, self.machine.next_state(locked.status, action)

    # ------------------------------------------------------------ writing

    def create(self, *, actor: Any, values: Mapping[str, Any], **fields: Any) -> M:
        """A new draft with the given (already cleaned) content."""
        self.guards.check_actor(actor, Act.CREATED)
        with transaction.atomic():
            status = self.machine.next_state(None, Act.CREATED)
            item = self.model._default_manager.create(
                **values, **fields, status=status, author=actor, editor=actor
            )
            self.log(item, Act.CREATED, actor)
        return item

    def edit(self, item: M, *, actor: Any, values: Callable[[M], Mapping[str, Any]]) -> M:
        """Save an edit; `values(target)` cleans the content for the row that will hold it.
        Returns that row: the item itself, or its revision draft when the item is published
        (the published text stays live until the revision is published)."""
        with self._verb(item, Act.EDITED, actor) as (locked, _):
            target = locked
            if locked.status == self.machine.published.value:
                target = locked.revision_drafts.first() or self.new_revision_draft(locked, actor)
            for name, value in values(target).items():
                setattr(target, name, value)
            target.status = self.machine.next_state(target.status, Act.EDITED).value
            target.editor = actor
            target.save()
            self.log(target, Act.EDITED, actor)
        return target

    def new_revision_draft(self, item: M, actor: Any) -> M:
        """A draft copy of a published item's content, to be reviewed and then copied back."""
        copy = {name: getattr(item, name) for name in item.content_fields}
        return self.model._default_manager.create(
            **copy, status=self.machine.draft, draft_of=item, author=actor, editor=actor
        )

    # ------------------------------------------------------------ the review flow

    def submit(self, item: M, *, actor: Any, note: str = "") -> M:
        with self._verb(item, Act.SUBMITTED, actor) as (locked, to_state):
            locked.status = to_state.value
            locked.save(update_fields=["status", "updated_at"])
            self.log(locked, Act.SUBMITTED, actor, note)
        return locked

    def publish(self, item: M, *, actor: Any, note: str = "") -> M:
        """Approve a submitted item. A revision draft's content replaces its published item's
        text and the draft row goes (its steps stay in the log); the returned row is the
        published one."""
        with self._verb(item, Act.PUBLISHED, actor) as (locked, to_state):
            target = locked if locked.draft_of_id is None else self.lock(locked.draft_of_id)
            if self.before_publish is not None:
                self.before_publish(locked, target)
            if target is not locked:
                for name in locked.content_fields:
                    setattr(target, name, getattr(locked, name))
                target.editor = locked.editor
            target.status = to_state.value
            target.reviewer, target.reviewed_at, target.review_note = actor, timezone.now(), note
            target.save()
            self.log(target, Act.PUBLISHED, actor, note)
            if target is not locked:
                locked.delete()
        return target

    def send_back(self, item: M, *, actor: Any, note: str) -> M:
        """Return a submitted item to its writer (退回修改), with the reviewer's note."""
        with self._verb(item, Act.RETURNED, actor) as (locked, to_state):
            if not note.strip():
                raise InvalidInput(
                    "退回时请写明修改意见。",
                    code=f"{self.machine.code}.note_required",
                    details={"field": "note"},
                )
            locked.status = to_state.value
            locked.reviewer, locked.reviewed_at, locked.review_note = actor, timezone.now(), note.strip()
            locked.save(update_fields=["status", "reviewer", "reviewed_at", "review_note", "updated_at"])
            self.log(locked, Act.RETURNED, actor, note.strip())
        return locked

    def withdraw(self, item: M, *, actor: Any, note: str = "") -> M:
        """Take a published item out of use (归档, 停用); a pending edit of it has no purpose."""
        action = self.machine.withdraw
        with self._verb(item, action, actor) as (locked, to_state):
            locked.status = to_state.value
            locked.save(update_fields=["status", "updated_at"])
            locked.revision_drafts.all().delete()
            self.log(locked, action, actor, note)
        return locked

    def take(self, action: RevisionAction, item: M, *, actor: Any, note: str = "") -> M:
        """The verb of a button (submit, publish, return, withdraw)."""
        verbs: dict[RevisionAction, Callable[..., M]] = {
            Act.SUBMITTED: self.submit,
            Act.PUBLISHED: self.publish,
            Act.RETURNED: self.send_back,
            self.machine.withdraw: self.withdraw,
        }
        return verbs[action](item, actor=actor, note=note)

    # ------------------------------------------------------------ import (the demo seed)

    @staticmethod
    def holds(item: M, values: Mapping[str, Any]) -> bool:
        """Whether the item already says exactly this."""
        return all(getattr(item, name) == value for name, value in values.items())

    def import_(
        self, item: M | None, *, actor: Any, values: Mapping[str, Any], **fields: Any
    ) -> tuple[M, bool]:
        """Create (with `fields`) or refresh a published item from trusted data, logged as 导入:
        not reviewed, the data come with the code. Returns the item and whether it was created."""
        published = self.machine.published
        with transaction.atomic():
            created = item is None
            if item is None:
                item = self.model._default_manager.create(**values, **fields, status=published, author=actor)
            else:
                for name, value in values.items():
                    setattr(item, name, value)
                item.status = published.value
                item.save()
            self.log(item, Act.IMPORTED, actor)
        return item, created

    # ------------------------------------------------------------ the pages

    def action_for(self, slug: str) -> RevisionAction:
        """The action of an …/act/<slug>/ URL, or 404."""
        action = SLUGS.get(slug)
        if action is None or action not in (
            Act.SUBMITTED,
            Act.PUBLISHED,
            Act.RETURNED,
            self.machine.withdraw,
        ):
            raise Http404("没有这个操作")
        return action

    def panel(self, user: Any, item: M, *, pending: M | None, history: int) -> dict[str, Any]:
        """What an item's page shows of the review (loop/review/_actions.html, _history.html):
        the buttons the guards allow this user, the pending revision, the last steps."""
        allowed = set(self.guards.available(user, item))
        return {
            "pending": pending,
            "can_edit": Act.EDITED in allowed,
            "can_submit": Act.SUBMITTED in allowed,
            "can_review": Act.RETURNED in allowed,  # a reviewer, on a submitted item
            "may_publish": Act.PUBLISHED in allowed,  # … who did not write this version
            "can_withdraw": self.machine.withdraw in allowed,
            "withdraw": next(slug for slug, act in SLUGS.items() if act == self.machine.withdraw),
            "revisions": item.root.revisions.select_related("actor").order_by("-created_at", "-pk")[:history],
            "note_form": NoteForm(),
        }

    def pending(self, item: M) -> M | None:
        """A published item's revision draft under way, if any."""
        return item.revision_drafts.first() if item.status == self.machine.published.value else None

    def act(self, request: HttpRequest, item: M, action: RevisionAction, *, detail: str) -> HttpResponse:
        """POST …/act/<slug>/: take the action with the form's note; the outcome is said on the
        item's page (`detail`: its URL name, taking pk)."""
        form = NoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "说明过长，最多 2000 字。")
            return redirect(detail, pk=item.pk)
        try:
            result = self.take(action, item, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(detail, pk=item.pk)
        messages.success(request, f"已{action.label}。")
        return redirect(detail, pk=result.pk)
