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


def _no_link(case: Any) -> str:
    return ""


def _no_advice(case: Any) -> None:
    return None


def _no_templates(case: Any, user: Any) -> list[Any]:
    return []


# The citizen's own link to a case (portal.links.rating_url): carried by the SMS the loop sends.
citizen_link: Provider[str] = Provider("case.citizen_link", _no_link)
# The triage's latest advice on a case (triage.models.Suggestion or None): shown to the centre
# and used to prefill the dispatch and merge forms.
triage_advice: Provider[Any] = Provider("case.triage_advice", _no_advice)
# The reply templates (常用答复模板) a clerk may draft this case's answer from, best first; each
# item has `id`, `title` and `body` (filled from the case). The reply form offers them.
reply_templates: Provider[list[Any]] = Provider("case.reply_templates", _no_templates)
