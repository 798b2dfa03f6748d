"""One way for an item's page to take an action: the POST behind every button of a loop.

Every loop's page does the same thing when a button is pressed: read the action from the URL
(404 when the loop has no such action or the page offers no form for it), load the item as this
user may see it, ask the action's guard, bind the action's form, call the one verb through the
loop's table, and then either say 已<action> and go back to the item, or show the item again with
the refusal or the form's errors. `ActionPage` is that skeleton once; a loop gives it its parts:
the action enum, the guard's refusal, the forms, how to load its item and how to run a verb with the
cleaned data, and how to render its page again. The rules stay in the guards and the verbs; the
page only asks them, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from mochou.errors import DomainError, InvalidInput

M = TypeVar("M")  # the loop's item (a Case, a Task, a Violation …)
A = TypeVar("A", bound=Enum)  # its action enum (with a `label`)

# (request, item, action) -> the bound form; the default binds POST and FILES to the action's form.
FormBinder = Callable[[Any, Any, Any], forms.BaseForm]
# (request, item, action, form, error, status) -> the item's page again, with the error shown.
FailurePage = Callable[[Any, Any, Any, Any, DomainError, int], HttpResponse]
# (request, item, action) -> where the user goes once the action is done.
DonePage = Callable[[Any, Any, Any], HttpResponse]


def field_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a verb's refusal beside the field it names (details["field"]), when the form has it."""
    field = error.details.get("field")
    if field in form.fields:
        form.add_error(field, error.message)


@dataclass(frozen=True)
class ActionPage(Generic[M, A]):
    """The POST of one loop's item page; `act(request, key, action)` is the view's whole body."""

    actions: type[A]
    # The action's guard: why this user may not take it on this item now, or None (Guards.refusal).
    refusal: Callable[[Any, M, A], DomainError | None]
    forms: Mapping[A, Callable[..., forms.BaseForm]]
    # The item as this user may see it, by its key in the URL (raises Http404 otherwise).
    load: Callable[[Any, Any], M]
    # Call the action's verb with the form's cleaned data: (action, item, user, cleaned_data, request).
    run: Callable[[A, M, Any, dict[str, Any], Any], object]
    failed: FailurePage
    # The item's page (a URL name taking `number`) when `done` is not given.
    detail_url: str = ""
    done: DonePage | None = None
    bind: FormBinder | None = None

    def action(self, name: str) -> A:
        """The action named in the URL, or 404: unknown to the loop, or not taken on this page."""
        try:
            verb = self.actions(name)
        except ValueError:
            raise Http404("没有这个操作") from None
        if verb not in self.forms:
            raise Http404("没有这个操作")
        return verb

    def act(self, request: HttpRequest, key: Any, name: str) -> HttpResponse:
        verb = self.action(name)
        user = request.user
        item = self.load(user, key)
        form = self.bind(request, item, verb) if self.bind else self.forms[verb](request.POST, request.FILES)
        error = self.refusal(user, item, verb)
        if error is None and not form.is_valid():
            error = InvalidInput("请按提示修改后再提交。")
        if error is None:
            try:
                self.run(verb, item, user, form.cleaned_data, request)
            except DomainError as exc:
                error = exc
                field_error(form, exc)
        if error is None:
            if self.done is not None:
                return self.done(request, item, verb)
            messages.success(request, f"已{getattr(verb, 'label', verb.value)}。")
            return redirect(self.detail_url, number=getattr(item, "number"))  # noqa: B009
        # The verb may have changed the item in memory before it refused: show it as stored.
        status = error.status if 400 <= error.status < 500 else 400
        return self.failed(request, self.load(user, key), verb, form, error, status)
