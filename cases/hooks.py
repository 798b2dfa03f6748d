"""What the apps built on the case loop subscribe to, and the questions it asks of them.

`cases` imports none of the apps above it: triage, the citizens' portal and the others connect
here in their `AppConfig.ready`. Hooks fire after the action's transaction commits; providers
answer during it, with a harmless default when the app that knows is not installed.
"""

from __future__ import annotations

from typing import Any

from loop.hooks import Hook, Provider

# Something happened to a case: subscribers receive `case_id` (and `actor_id` where a person acted).
case_registered = Hook("case.registered")
case_dispatched = Hook("case.dispatched")
# A draft answer went to the unit's leader: `case_id`, `reply_id`, `template_id` (the reply
# template it was drafted from, or None) — what the reply templates count their use by.
case_reply_submitted = Hook("case.reply_submitted")
case_replied = Hook("case.replied")  # the reply was approved: the citizen has an answer
case_closed = Hook("case.closed")
case_reopened = Hook("case.reopened")
# The centre ruled on a unit's 退单 (派单异议审核): `case_id`, `dispute_id`, `upheld`, `category_id`,
# `township_id`, `unit_id` (the returning unit), `suggested_unit_id` (the unit it named),
# `decided_unit_id` (the unit the centre holds responsible) and `amend_catalogue` (the ruling asks
# the dispatch catalogue to change accordingly) — the catalogue (triage) subscribes.
dispute_ruled = Hook("case.dispute_ruled")
# A case became a 问题工单 (提级办理): `case_id`, `moves` (returns and re-dos counted).
case_escalated = Hook("case.escalated")


def _no_link(case: Any) -> str:
    return ""


def _no_advice(case: Any) -> None:
    return None


def _no_templates(case: Any, user: Any) -> list[Any]:
    return []


def _advice_excluding(case: Any, exclude: frozenset[int]) -> Any:
    """Without an app that re-resolves: the triage's advice, unless it names an excluded unit."""
    advice = triage_advice(case)
    if advice is None or getattr(advice, "lead_unit_id", None) in exclude:
        return None
    return advice


# The citizen's own link to a case (portal.links.rating_url): carried by the SMS the loop sends.
citizen_link: Provider[str] = Provider("case.citizen_link", _no_link)
# The triage's latest advice on a case (triage.models.Suggestion or None): shown to the centre
# and used to prefill the dispatch and merge forms.
triage_advice: Provider[Any] = Provider("case.triage_advice", _no_advice)
# Whether the triage's advice on a case is still to come (triage runs in the worker after the
# registration commits): the case page and the console poll for it while this says so.
triage_pending: Provider[bool] = Provider("case.triage_pending", lambda case: False)
# The reply templates (常用答复模板) a clerk may draft this case's answer from, best first; each
# item has `id`, `title` and `body` (filled from the case). The reply form offers them.
reply_templates: Provider[list[Any]] = Provider("case.reply_templates", _no_templates)
# The advice for re-dispatching a case after upheld returns: `redispatch_advice(case, exclude=…)`
# with the ids of the units whose return was upheld; the answer has the shape of triage_advice's
# (`lead_unit_id`, `co_units` as codes) and names none of them, or is None. The dispatch form asks
# it once a return was upheld (the catalogue's resolver answers it, leaving those units out).
redispatch_advice: Provider[Any] = Provider("case.redispatch_advice", _advice_excluding)


def _no_duplicates(text: str, phone: str = "", township: str = "", **_: Any) -> list[Any]:
    return []


# While a request is being registered: the open cases most likely about the same problem,
# `possible_duplicates(text, phone, township, title=…, address=…)` (`township` by name) → dicts
# with `case_id`, `score` (0–1), `same_phone` and `reason`, best first. The registration page and
# the console warn with them before the agent registers (cases.intake_duplicates); triage answers
# from its duplicate index. Without it, only the same caller's open cases are shown.
possible_duplicates: Provider[list[Any]] = Provider("case.possible_duplicates", _no_duplicates)


# ---------------------------------------------------------------- 督办 (the supervision app answers)


def _record_supervision_only(case: Any, **kwargs: Any) -> Any:
    """Without an app that keeps 督办单: the case's 督办 event alone (and the unit told)."""
    from cases.services.supervision import record_supervision

    return record_supervision(case, **kwargs)


def _no_panel(case: Any, user: Any, request: Any = None) -> str:
    return ""


def _no_supervised_cases(user: Any) -> list[int]:
    return []


def _no_form_url(case: Any) -> str:
    return ""


# The 督办 of a case: `supervise(case, actor=…, body=…, respond_days=…, now=…)` issues a 督办单 to
# the case's unit and records the case's 督办 event in the same transaction; returns the notice.
# The supervision app answers (supervision.services.issue_notice); cases.services.supervise, the
# case page's form, the API's POST …/supervise and the demo all go through it.
supervise: Provider[Any] = Provider("case.supervise", _record_supervision_only)
# The case page's 督办 section as HTML: the notices with their colour, state, deadlines and
# answers, and the button to issue one when the user may (the supervision app renders it).
supervision_panel: Provider[str] = Provider("case.supervision_panel", _no_panel)
# Where the case page's 督办 button leads (the supervision app's form for this case); "" keeps
# the case page's own form.
supervise_form_url: Provider[str] = Provider("case.supervise_form_url", _no_form_url)
# The ids of the cases in a user's 督办件 queue (a values() queryset or a list).
supervised_cases: Provider[Any] = Provider("case.supervised_cases", _no_supervised_cases)


def _no_reply_checks(case: Any, body: str) -> None:
    return None


# The checks of a draft answer against the case's request (triage.replyquality): a dict with
# `checks` (each `code`, `label`, `detail`, `text`), `version`, `stats` and `fingerprint` — what
# the clerk and the unit leader see before the answer is approved, and what the submit and approve
# events record — or None when no app checks replies.
reply_checks: Provider[Any] = Provider("case.reply_checks", _no_reply_checks)


# ---------------------------------------------------------------- 高频事 (the hotspots app answers)

# The case page's 高频事 section as HTML: the hotspots the case is behind and the results of the
# proactive tasks (未诉先办) a unit reported on them; "" without the app. Called as
# `hotspot_panel(case, user, request)`.
hotspot_panel: Provider[str] = Provider("case.hotspot_panel", _no_panel)


# ---------------------------------------------------------------- 违建 (the enforcement app answers)

# The case page's 违法建设 section as HTML, for a case in the illegal-construction categories: the
# violation it became and its state, or the 转为违建 button for the township that may convert it;
# "" without the app or for any other case. Called as `violation_panel(case, user, request)`.
violation_panel: Provider[str] = Provider("case.violation_panel", _no_panel)


# ---------------------------------------------------------------- 政务服务 (the affairs app answers)

# The case page's section on the 政务服务 application (办件) a complaint is about, or the matter a
# consultation asked about, as HTML; "" without the app. Called as `application_panel(case, user, request)`.
application_panel: Provider[str] = Provider("case.application_panel", _no_panel)


# ---------------------------------------------------------------- 突发事件 (the duty app answers)

# The case page's section on the 突发事件 (emergency incidents) the case was reported in, as HTML:
# each incident's number, title, level and state (linked for whoever may see it), and for the
# duty office the way to register the case as an incident; "" without the app. Called as
# `incident_panel(case, user, request)`.
incident_panel: Provider[str] = Provider("case.incident_panel", _no_panel)
