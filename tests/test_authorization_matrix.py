"""Who may do and read what: every role × {the case's own unit, another unit, no unit} × every
action of the guard table and every staff read, through the API and the pages (issue 8).

The expected outcome is derived, never listed: for an action, from `cases.guards.GUARDS.rules`
(roles, own unit, the rule's data checks) and the workflow table (`MACHINE.next_state`); for a
read, from the permission tables of the page (`CENTRE_ROLES`/`UNIT_ROLES` for cases, `QUEUES`,
`audit.access.READER_ROLES`, the reply templates' and the guides' role sets). A refused attempt
must change nothing (the case's row, its events, its related rows); an allowed one must move the
case as the table says. Each attempt runs in a savepoint that is rolled back, so one situation
serves all 24 users and both front doors.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import resolve

from accounts.audit.access import READER_ROLES
from accounts.audit.models import AuditRecord
from accounts.models import CENTRE_ROLES, UNIT_ROLES, ApiToken, Role, User
from cases import services
from cases.api import action_path
from cases.guards import GUARDS, OFFERED, refusal
from cases.models import Assignment, Case, Kind, LimitVersion, Satisfaction, SuspensionReason
from cases.queues import LEAD_UNIT_QUEUES, QUEUES
from cases.workflow import MACHINE, Action, State
from knowledge import permissions as guide_permissions
from knowledge import services as knowledge_services
from knowledge.models import Guide
from loop.versions import new_draft, publish
from mochou.errors import DomainError
from mochou.images import clean_photo
from org.models import Unit
from portal.models import Attachment
from portal.photos import Photo, save_photo
from portal.tests import samples
from replytemplates import permissions as template_permissions
from tests.factories import (
    City,
    accepted_case,
    called_back_case,
    dispatched_case,
    make_case,
    make_user,
    rectified_case,
    rectifying_case,
    replied_case,
)
from tests.module_data import module_data
from tests.routes import (
    APPS,
    OWN_AUTH_PATHS,
    WALKED_APPS,
    Route,
    api_operations,
    crawl,
    demo_users,
    is_public,
    may_open,
    page_routes,
    unclassified,
    uses,
)

pytestmark = pytest.mark.django_db

PLACEMENTS = ("own", "other", "none")  # the case's lead unit (市住建局), 市教育局, no unit
LONG = "已安排市政养护队疏通下水道，现已恢复正常排水。"

# Driven through both front doors: every guarded action a person is offered. The others are
# covered where they are taken: REGISTER by its own endpoint (below), CALLBACK_MISSED and
# SUSPEND by the callback and the suspension decision (the verb picks them from its input,
# under the parent action's guard), OVERRIDE by the administrators' correction form (its own
# permission, cases/tests/test_overrides.py).
ACTIONS = tuple(a for a in GUARDS.rules if a in OFFERED)
SUB_ACTIONS: dict[Action, frozenset[Action]] = {
    Action.CALLBACK: frozenset({Action.CALLBACK_MISSED, Action.RECTIFY}),
    Action.DECIDE_SUSPENSION: frozenset({Action.SUSPEND}),
    Action.VERIFY_RECTIFICATION: frozenset({Action.RETURN_RECTIFICATION}),
    Action.RULE_DISPUTE: frozenset({Action.REJECT_DISPUTE}),
}


def test_the_matrix_drives_every_guarded_action() -> None:
    elsewhere = {Action.REGISTER, Action.OVERRIDE, *(a for subs in SUB_ACTIONS.values() for a in subs)}
    assert set(ACTIONS) | elsewhere == set(GUARDS.rules)
    # A sub-action is taken under its parent's guard: its rule must not let more roles in.
    for parent, subs in SUB_ACTIONS.items():
        for sub in subs:
            assert GUARDS.rules[sub].roles <= GUARDS.rules[parent].roles


# ---------------------------------------------------------------- the people


@dataclass
class World:
    city: City
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)


def _world(city: City) -> World:
    world = World(city)
    units: dict[str, Unit | None] = {"own": city.housing, "other": city.education, "none": None}
    for role in Role:
        for placement, unit in units.items():
            user = make_user(
                f"m-{role.value}-{placement}", role, unit, display_name=f"{role.label}{placement}"
            )
            world.users[(role.value, placement)] = user
            world.tokens[(role.value, placement)] = ApiToken.issue(user)
    return world


def _sees(user: User, case: Case) -> bool:
    """The visibility rule, from the role table: the centre sees every case, a unit the cases
    assigned to it (and not returned), everyone else (leaderless units, the auditor) none."""
    if user.role in CENTRE_ROLES:
        return True
    if user.role in UNIT_ROLES and user.unit_id is not None:
        live = case.assignments.exclude(status=Assignment.Status.RETURNED)
        return live.filter(unit_id=user.unit_id).exists()
    return False


# ---------------------------------------------------------------- situations and inputs


@dataclass
class Situation:
    case: Case
    parent: Case | None = None  # merge's target


def _in_progress_with(city: City, step: Callable[[Case], object]) -> Case:
    case = accepted_case(city)
    step(case)
    return case


def _suspension_request(city: City, case: Case) -> None:
    services.request_suspension(
        case,
        actor=city.users["clerk"],
        reason=SuspensionReason.SURVEY,
        explanation="需房屋安全鉴定",
        document="鉴定委托书 钟鉴〔2026〕18号",
        days=10,
    )


def _suspended(city: City) -> Case:
    case = accepted_case(city)
    _suspension_request(city, case)
    services.decide_suspension(case, actor=city.users["dispatcher"], approve=True)
    return case


def _joint(city: City) -> Case:
    case = services.dispatch(
        make_case(city), actor=city.users["dispatcher"], lead_unit=city.housing, co_units=[city.education]
    )
    return services.accept(case, actor=city.users["clerk"])


def _pending_approval(city: City) -> Case:
    case = accepted_case(city)
    services.submit_reply(case, actor=city.users["clerk"], body=LONG)
    return case


def _newer_limits(city: City) -> Situation:
    """A case pinned to version 1 while version 2 is in force: re-pinning has something to do."""
    case = accepted_case(city)
    admin = city.users["admin"]
    current = LimitVersion.in_force(case.created_at)
    draft = new_draft(LimitVersion, actor=admin, valid_from=case.created_at, copy_from=current)
    entry = draft.entries.get(category__path="城乡建设")
    entry.handle_days = 3
    entry.save()
    publish(draft, actor=admin, reason="市政府办公室关于压缩办理时限的通知")
    return Situation(case)


def _returned(city: City) -> Case:
    case = dispatched_case(city)
    return services.return_case(case, actor=city.users["clerk"], reason="不属于本单位职责")


def _claimed(city: City) -> Case:
    """A callback in the pool claimed by an agent of no unit under test: only the holder (none of
    the matrix's users) or a dispatcher may release it."""
    holder = make_user("pool-agent", Role.AGENT, city.centre)
    return services.claim_callback(replied_case(city), actor=holder)


SITUATIONS: dict[Action, Callable[[City], Situation]] = {
    Action.ANSWER_AT_INTAKE: lambda c: Situation(make_case(c, kind=Kind.CONSULT)),
    Action.DISPATCH: lambda c: Situation(make_case(c)),
    Action.ACCEPT: lambda c: Situation(dispatched_case(c)),
    Action.RETURN: lambda c: Situation(dispatched_case(c)),
    Action.CONTACT: lambda c: Situation(accepted_case(c)),
    Action.RULE_DISPUTE: lambda c: Situation(_returned(c)),
    Action.REQUEST_EXTENSION: lambda c: Situation(accepted_case(c)),
    Action.DECIDE_EXTENSION: lambda c: Situation(
        _in_progress_with(
            c,
            lambda case: services.request_extension(
                case, actor=c.users["clerk"], days=3, reason="需要协调施工队伍"
            ),
        )
    ),
    Action.REQUEST_SUSPENSION: lambda c: Situation(accepted_case(c)),
    Action.DECIDE_SUSPENSION: lambda c: Situation(
        _in_progress_with(c, lambda case: _suspension_request(c, case))
    ),
    Action.RESUME: lambda c: Situation(_suspended(c)),
    Action.CONTRIBUTE: lambda c: Situation(_joint(c)),
    Action.REPLY: lambda c: Situation(accepted_case(c)),
    Action.APPROVE_REPLY: lambda c: Situation(_pending_approval(c)),
    Action.REJECT_REPLY: lambda c: Situation(_pending_approval(c)),
    Action.CALLBACK: lambda c: Situation(replied_case(c)),
    Action.CLAIM_CALLBACK: lambda c: Situation(replied_case(c)),
    Action.RELEASE_CALLBACK: lambda c: Situation(_claimed(c)),
    Action.REPORT_RECTIFICATION: lambda c: Situation(rectifying_case(c)),
    Action.VERIFY_RECTIFICATION: lambda c: Situation(rectified_case(c)),
    Action.CLOSE: lambda c: Situation(called_back_case(c)),
    Action.REOPEN: lambda c: Situation(called_back_case(c)),
    Action.MERGE: lambda c: Situation(make_case(c), parent=make_case(c, title="同一处下水道堵塞（主工单）")),
    Action.TRANSFER: lambda c: Situation(make_case(c)),
    Action.SUPERVISE: lambda c: Situation(accepted_case(c)),
    Action.REPIN: _newer_limits,
}

SUSPENSION = {"explanation": "等待法院判决", "document": "（2026）鄂0881民初88号", "days": 10}


def _api_input(action: Action, s: Situation, city: City) -> dict[str, Any]:
    inputs: dict[Action, dict[str, Any]] = {
        Action.ANSWER_AT_INTAKE: {"answer": LONG},
        Action.DISPATCH: {"lead_unit": city.housing.code},
        Action.RETURN: {"reason_kind": "not_our_duty", "reason": "不属于本单位职责"},
        Action.CONTACT: {"way": "phone", "reached": True, "note": "已电话联系诉求人"},
        Action.REQUEST_EXTENSION: {"days": 3, "reason": "需要协调施工"},
        Action.DECIDE_EXTENSION: {"approve": True},
        Action.REQUEST_SUSPENSION: {"reason": SuspensionReason.COURT, **SUSPENSION},
        Action.DECIDE_SUSPENSION: {"approve": True},
        Action.REPIN: {"reason": "按新发布的时限重算"},
        Action.CONTRIBUTE: {"body": "协办单位已派人到场"},
        Action.REPLY: {"body": LONG},
        Action.REJECT_REPLY: {"note": "请补充办理时间"},
        Action.CALLBACK: {"reached": True, "resolved": True, "satisfaction": Satisfaction.SATISFIED},
        Action.REOPEN: {"reason": "诉求人反映仍未疏通"},
        Action.MERGE: {"parent": s.parent.number if s.parent else ""},
        Action.TRANSFER: {"target": "荆门市12345平台"},
        Action.SUPERVISE: {"body": "请加快办理进度"},
        Action.REPORT_RECTIFICATION: {"report": "已约谈责任人并再次疏通，现场排水恢复正常。"},
        Action.VERIFY_RECTIFICATION: {"accepted": True},
        Action.RULE_DISPUTE: {"upheld": False, "note": "经核实仍属本单位职责"},
    }
    return inputs.get(action, {})


def _form_input(action: Action, s: Situation, city: City) -> dict[str, Any]:
    """The page's form fields: the API's input in the form's spelling."""
    data = {k: v for k, v in _api_input(action, s, city).items() if not isinstance(v, bool)}
    if action == Action.DISPATCH:
        data = {"lead_unit": city.housing.pk, "category": city.category.pk, "urgency": "normal"}
    if action in (Action.DECIDE_EXTENSION, Action.DECIDE_SUSPENSION):
        data = {"decision": "approve"}
    if action == Action.CALLBACK:
        data = {"reached": "yes", "resolved": "yes", "satisfaction": Satisfaction.SATISFIED}
    if action == Action.SUPERVISE:
        data["respond_days"] = 2
    if action == Action.CONTACT:
        data["reached"] = "yes"
    if action == Action.VERIFY_RECTIFICATION:
        data = {"decision": "accept"}
    if action == Action.RULE_DISPUTE:
        data = {"decision": "rejected", "note": "经核实仍属本单位职责"}
    return data


# ---------------------------------------------------------------- the expected outcome


@dataclass(frozen=True)
class Outcome:
    status: int  # 200: taken; otherwise the refusal's status (404: the case is not visible)
    code: str = ""


def expected(user: User, case: Case, action: Action) -> Outcome:
    """From the guard table: visibility, then the rule's roles, own unit, state and data checks."""
    if not _sees(user, case):
        return Outcome(404)
    rule = GUARDS.rules[action]
    if user.role not in rule.roles:
        return Outcome(403, "permission_denied.role")
    if rule.own_unit and (user.unit_id is None or user.unit_id != case.lead_unit_id):
        return Outcome(403, "permission_denied.unit")
    try:
        MACHINE.next_state(case.state, action)
        for check in rule.checks:
            check(user, case)
    except DomainError as error:
        return Outcome(error.status, error.code)
    return Outcome(200)


class _Undo(Exception):
    pass


def _snapshot(case: Case) -> tuple[Any, ...]:
    fresh = Case.objects.get(pk=case.pk)
    related = ("events", "replies", "extensions", "suspensions", "assignments", "callbacks")
    counts = tuple(getattr(fresh, name).count() for name in related)
    return (Case.objects.filter(pk=case.pk).values().get(), counts, fresh.supervision_notices.count())


def _undone(attempt: Callable[[], str | None]) -> str | None:
    """Run one attempt in a savepoint and roll it back; its verdict (None: as expected) stays."""
    verdict: list[str | None] = []
    try:
        with transaction.atomic():
            verdict.append(attempt())
            raise _Undo
    except _Undo:
        pass
    return verdict[0]


def _judge(case: Case, action: Action, want: Outcome, status: int, before: tuple[Any, ...]) -> str | None:
    """None when the response and the database agree with `want`, else what went wrong."""
    if want.status == 200:
        fresh = Case.objects.get(pk=case.pk)
        last = fresh.events.order_by("-seq").first()
        taken = {action} | SUB_ACTIONS.get(action, frozenset())
        if last is None or last.action not in taken:
            return f"no {action.value} event"
        if fresh.state != MACHINE.next_state(before[0]["state"], Action(last.action)):
            return f"state {fresh.state} after {last.action}"
        return None
    if _snapshot(case) != before:
        return "refused but the case changed"
    return None


def _api_attempt(
    client: Client, token: str, s: Situation, action: Action, want: Outcome, city: City
) -> str | None:
    before = _snapshot(s.case)
    response = client.post(
        f"/api/v1/cases/{s.case.number}/{action_path(action)}",
        data=json.dumps(_api_input(action, s, city)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    if response.status_code != want.status:
        return f"api {response.status_code} != {want.status}: {response.content.decode()[:160]}"
    if want.code and response.json().get("code") != want.code:
        return f"api code {response.json().get('code')} != {want.code}"
    return _judge(s.case, action, want, response.status_code, before)


def _page_attempt(client: Client, s: Situation, action: Action, want: Outcome, city: City) -> str | None:
    before = _snapshot(s.case)
    response = client.post(f"/cases/{s.case.number}/act/{action.value}/", _form_input(action, s, city))
    # A taken action redirects to the case page; a refusal renders it with the refusal's status.
    page_status = 302 if want.status == 200 else want.status
    if response.status_code != page_status:
        return f"page {response.status_code} != {page_status}"
    return _judge(s.case, action, want, response.status_code, before)


@pytest.fixture
def world(city: City) -> World:
    return _world(city)


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.value)
def test_every_role_and_unit_may_take_exactly_what_the_guard_table_allows(
    world: World, clock: object, action: Action
) -> None:
    city = world.city
    situation = SITUATIONS[action](city)
    situation = Situation(Case.objects.get(pk=situation.case.pk), situation.parent)
    api, page = Client(), Client()
    wrong: list[str] = []
    allowed: list[str] = []
    paged: set[tuple[Outcome, bool]] = set()
    for (role, placement), user in world.users.items():
        case = Case.objects.get(pk=situation.case.pk)
        want = expected(user, case, action)
        # The pages and the API ask the same guard: it must agree with the table's derivation.
        guard = refusal(user, case, action)
        if want.status != 404 and (guard is None) != (want.status == 200):
            wrong.append(f"{role}/{placement}: guard says {guard!r}, table says {want}")
        if want.status == 200:
            allowed.append(f"{role}/{placement}")
        who = f"{role}/{placement}"
        verdict = _undone(
            partial(_api_attempt, api, world.tokens[(role, placement)], situation, action, want, city)
        )
        if verdict:
            wrong.append(f"{who} {verdict}")
        # The page door, leaner (a refused page renders the whole case page): every user who may
        # take the action, and one user of each other outcome, for the centre and the units.
        kind = (want, user.role in UNIT_ROLES)
        if want.status == 200 or kind not in paged:
            paged.add(kind)
            page.force_login(user)
            verdict = _undone(partial(_page_attempt, page, situation, action, want, city))
            if verdict:
                wrong.append(f"{who} {verdict}")
    assert wrong == []
    # Someone may take every action in its situation: the situations really exercise the rule.
    assert allowed, f"nobody may {action.value}"


def test_registering_is_for_the_intake_roles_only(world: World, clock: object) -> None:
    client = Client()
    may = GUARDS.rules[Action.REGISTER].roles
    body = {
        "kind": Kind.COMPLAINT,
        "content": "郢中街道莫愁湖路路灯不亮已经一周了",
        "citizen_phone": "13812345678",
    }
    wrong = []
    for key, user in world.users.items():
        before = Case.objects.count()
        response = client.post(
            "/api/v1/cases",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world.tokens[key]}",
        )
        want = 201 if user.role in may else 403
        grown = Case.objects.count() - before
        if response.status_code != want or grown != (1 if want == 201 else 0):
            wrong.append(f"{key}: {response.status_code} (+{grown}), want {want}")
        client.force_login(user)
        page = client.get("/cases/new/")
        if (page.status_code == 200) != (user.role in may):
            wrong.append(f"{key}: register page {page.status_code}")
    assert wrong == []


# ---------------------------------------------------------------- reads


@dataclass
class Readable:
    cases: list[Case]
    photo: Attachment
    audit: AuditRecord
    draft_guide: Guide


def _readable(city: City, tmp_media: object) -> Readable:
    ours = accepted_case(city)  # led by 市住建局
    theirs = services.accept(
        services.dispatch(make_case(city), actor=city.users["dispatcher"], lead_unit=city.education),
        actor=city.users["outsider"],
    )
    waiting = make_case(city)  # no unit yet
    photo = save_photo(ours, Photo(image=clean_photo(samples.png(40, 30))))
    record = AuditRecord.objects.order_by("-pk").first()
    if record is None:
        from accounts.audit.services import record as write

        write(actor=city.users["admin"], action="test.read", target=city.housing, reason="矩阵测试")
        record = AuditRecord.objects.order_by("-pk").get()
    guide = knowledge_services.create_guide(
        actor=city.users["clerk"],
        data={"title": "路灯报修", "body": "路灯不亮请拨打12345。", "unit": city.housing},
    )
    return Readable([ours, theirs, waiting], photo, record, guide)


def _numbers_in(text: str, cases: list[Case]) -> set[str]:
    return {c.number for c in cases if c.number in text}


@pytest.fixture
def tmp_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_role_and_unit_reads_exactly_what_it_may(world: World, clock: object, tmp_media: None) -> None:
    city = world.city
    data = _readable(city, tmp_media)
    client = Client()
    wrong: list[str] = []

    def check(key: tuple[str, str], url: str, want: int, got: int) -> None:
        if want != got:
            wrong.append(f"{key[0]}/{key[1]} GET {url}: {got}, want {want}")

    for key, user in world.users.items():
        visible = {c.number for c in data.cases if _sees(user, c)}
        bearer = {"Authorization": f"Bearer {world.tokens[key]}"}
        listed = client.get("/api/v1/cases?limit=100", headers=bearer)
        check(key, "/api/v1/cases", 200, listed.status_code)
        if listed.status_code == 200 and {i["number"] for i in listed.json()["items"]} != visible:
            wrong.append(
                f"{key}: API list {sorted(i['number'] for i in listed.json()['items'])} != {visible}"
            )
        for case in data.cases:
            want = 200 if case.number in visible else 404
            for url in (f"/api/v1/cases/{case.number}", f"/api/v1/cases/{case.number}/events"):
                check(key, url, want, client.get(url, headers=bearer).status_code)
        client.force_login(user)
        for case in data.cases:
            want = 200 if case.number in visible else 404
            check(key, f"/cases/{case.number}/", want, client.get(f"/cases/{case.number}/").status_code)
        for url in (f"/m/photos/{data.photo.pk}/", f"/m/photos/{data.photo.pk}/thumbnail/"):
            check(key, url, 200 if data.photo.case.number in visible else 404, client.get(url).status_code)
        for queue in QUEUES:
            url = f"/cases/queue/{queue.slug}/"
            # The htmx fragment: the same query as the page, without the page around it.
            response = client.get(url, HTTP_HX_REQUEST="true")
            check(key, url, 200 if user.role in queue.roles else 404, response.status_code)
            if response.status_code == 200:
                shown = _numbers_in(response.content.decode(), data.cases)
                if not shown <= visible:
                    wrong.append(f"{key}: queue {queue.slug} shows {sorted(shown - visible)}")
                if user.role in UNIT_ROLES and queue.slug in LEAD_UNIT_QUEUES:
                    led = {c.number for c in data.cases if c.lead_unit_id and c.lead_unit_id == user.unit_id}
                    if not shown <= led:
                        wrong.append(f"{key}: queue {queue.slug} shows cases its unit does not lead")
        check(key, "/notifications/sms/", 200 if user.role in CENTRE_ROLES else 403,
              client.get("/notifications/sms/").status_code)  # fmt: skip
        audit_status = 200 if user.role in READER_ROLES else 403
        for url in ("/audit/", "/audit/export.xlsx", f"/audit/{data.audit.pk}/"):
            check(key, url, audit_status, client.get(url).status_code)
        maintain = user.role in template_permissions.WRITER_ROLES | template_permissions.REVIEWER_ROLES
        check(key, "/templates/", 200 if maintain else 403, client.get("/templates/").status_code)
        writer = user.role in template_permissions.WRITER_ROLES
        check(key, "/templates/new/", 200 if writer else 403, client.get("/templates/new/").status_code)
        guide_writer = user.role in guide_permissions.REVIEWER_ROLES or (
            user.role in UNIT_ROLES and user.unit_id is not None
        )
        check(key, "/knowledge/new/", 200 if guide_writer else 404, client.get("/knowledge/new/").status_code)
        review = client.get("/knowledge/?tab=review")
        check(key, "/knowledge/?tab=review", 200, review.status_code)
        # A unit's draft guide: its own unit's staff and the reviewers edit it; others do not see it.
        url = f"/knowledge/{data.draft_guide.pk}/edit/"
        editor = user.role in guide_permissions.REVIEWER_ROLES or (
            user.role in UNIT_ROLES and user.unit_id == city.housing.pk
        )
        check(key, url, 200 if editor else 404, client.get(url).status_code)
    assert wrong == []


def test_a_case_a_unit_returned_is_no_longer_its_case(world: World, clock: object) -> None:
    """退单: the returning unit loses the case at once, in the API and the pages."""
    city = world.city
    case = dispatched_case(city)
    services.return_case(case, actor=city.users["clerk"], reason="不属于本单位职责")
    client = Client()
    for placement in PLACEMENTS:
        for role in (Role.CLERK, Role.UNIT_LEADER):
            key = (role.value, placement)
            bearer = {"Authorization": f"Bearer {world.tokens[key]}"}
            assert client.get(f"/api/v1/cases/{case.number}", headers=bearer).status_code == 404
            client.force_login(world.users[key])
            assert client.get(f"/cases/{case.number}/").status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED


# ---------------------------------------------------------------- every route, found by walking
# The pages and API operations are found by walking the URL resolver and the served OpenAPI
# document (tests/routes.py): an app mounted tomorrow is walked tomorrow, and a route nobody
# classified fails here with what to add.


def test_every_route_and_operation_is_classified() -> None:
    assert unclassified(page_routes(), api_operations()) == []


def _refused_anonymously(response: Any) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_an_anonymous_visitor_opens_only_the_public_pages(city: City) -> None:
    """Without a login, a staff page redirects to the login page (or refuses): never a 200, for
    a read or a write; a public page (a citizen's, the kiosk's) answers without an error."""
    client = Client()
    wrong = []
    for route in page_routes():
        url = route.url()
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                wrong.append(f"{method.upper()} {url} ({route.name}): {response.status_code}")
            elif not is_public(route) and not _refused_anonymously(response):
                wrong.append(
                    f"{method.upper()} {url} ({route.name}): {response.status_code} to an anonymous "
                    f"visitor; if anyone may open it, add {route.local_name!r} to "
                    f"APPS[{route.app!r}].public in tests/routes.py"
                )
    assert wrong == [], "\n".join(wrong)


def test_no_api_operation_answers_an_anonymous_caller(city: City) -> None:
    client = Client()
    wrong = []
    for op in api_operations():
        response = getattr(client, op.method)(op.url(), content_type="application/json")
        if op.path.startswith(OWN_AUTH_PATHS):
            if response.status_code < 400 or response.status_code >= 500:
                wrong.append(f"{op}: {response.status_code} (signed by the partner, refused unsigned)")
        elif response.status_code != 401:
            wrong.append(f"{op}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


# ---------------------------------------------------------------- the newer apps, in the demo city


@dataclass
class DemoCity:
    users: list[User]
    urls: dict[str, str]  # route name → a URL of a real item, found by crawling the pages


@pytest.fixture(scope="module")
def demo_city(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoCity]:
    """The demo city, seeded once for the module's walks (tests/module_data.py), and a real URL
    for each route of the walked apps that some page links to."""
    with module_data(django_db_blocker):
        call_command("seed_demo", cases=20, seed=7, stdout=io.StringIO())
        users = demo_users()
        # Who finds the items: the apps' own insiders (an app without a rule has no insiders of
        # its own) and the administrator.
        staff = [u for u in users if any(APPS[a].uses is not None and uses(a, u) for a in WALKED_APPS)]
        staff += [u for u in users if u.role == Role.ADMIN and u not in staff]
        yield DemoCity(users, crawl(Client(), staff, WALKED_APPS))


def _refused(response: Any) -> bool:
    return response.status_code in (403, 404, 405) or _refused_anonymously(response)


def _walked_routes() -> list[Route]:
    return [r for r in page_routes() if r.app in WALKED_APPS and not is_public(r)]


@pytest.mark.xdist_group("demo_city")
def test_every_user_opens_only_the_pages_of_the_apps_and_items_it_may(demo_city: DemoCity) -> None:
    """Each kind of user, on every staff page of the newer apps (on a real item where a page links
    to one): an outsider to the app is refused (403/404/login), never shown the page; a user who
    does not see an item is refused its page; nobody gets a server error."""
    client = Client()
    wrong: list[str] = []
    for user in demo_city.users:
        client.force_login(user)
        who = f"{user.username} ({user.role}, {user.unit.code if user.unit else '—'})"
        for route in _walked_routes():
            url = demo_city.urls.get(route.name, route.url())
            response = client.get(url)
            spec = APPS[route.app]
            if response.status_code >= 500:
                wrong.append(f"{who} GET {url}: {response.status_code}")
            elif not may_open(route, user):
                if not _refused(response):
                    wrong.append(f"{who} GET {url}: {response.status_code}, an outsider to {route.app}")
            elif route.local_name in spec.owner and route.name in demo_city.urls:
                param, sees = spec.owner[route.local_name]
                value = str(resolve(url).kwargs[param])
                if not sees(user, value) and not _refused(response):
                    wrong.append(f"{who} GET {url}: {response.status_code}, an item it does not see")
                if sees(user, value) and response.status_code != 200:
                    wrong.append(f"{who} GET {url}: {response.status_code}, its own item")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.xdist_group("demo_city")
def test_the_walk_reaches_the_items_of_the_newer_apps(demo_city: DemoCity) -> None:
    """The crawl found a real item for each item page the classification names (else the owner
    check above would only ever see a 404)."""
    missing = [
        f"{app}:{name}"
        for app in WALKED_APPS
        for name in APPS[app].owner
        if f"{app}:{name}" not in demo_city.urls
    ]
    assert missing == []
