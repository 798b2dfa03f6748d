"""Every page route and every API operation of the site, found by walking the URL resolver and
the served OpenAPI document — never listed by hand — and the classification each must have.

A route belongs to the app of its URL namespace (`duty:incident` → `duty`); an API operation to
the app of its mount path (`/api/v1/duty/…` → `duty`). Each app says, in `APPS`:
- who uses its staff pages (`uses`: the app's own predicate, e.g. `duty.access.may_use_duty`);
  a user it refuses is an outsider there, who must get 403/404/a redirect to the login page on
  every one of its routes, never a 200;
- which of its routes anyone may open without logging in (`public`: the citizens' pages, the
  hall's kiosk, links that carry a token).

A route of an app not in `APPS`, or an app's public route that no longer exists, fails
`test_every_route_and_operation_is_classified` with what to add: a new app is walked the day
it is mounted, and everything not declared public must refuse anonymous visitors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role

# Not walked: Django's admin (its own permission system, mochou/tests/test_admin.py) and the API's
# document and explorer (walked below as operations).
NOT_WALKED_PREFIXES = ("admin/", "api/")


@dataclass(frozen=True)
class Route:
    app: str  # the URL namespace: "duty"
    local_name: str  # "incident"; an unnamed route is named by its pattern
    pattern: str  # "duty/incidents/<str:number>/"
    converters: dict[str, str]  # parameter → converter ("int", "str", "slug", …)

    @property
    def name(self) -> str:
        return f"{self.app}:{self.local_name}" if self.app else self.local_name

    def url(self, values: dict[str, Any] | None = None) -> str:
        """The route's URL with `values`, or with values that name nothing (a 404 for a real user)."""
        values = values or {}

        def fill(match: re.Match[str]) -> str:
            converter, param = match.group(1) or "str", match.group(2)
            if param in values:
                return str(values[param])
            return "999999" if converter == "int" else "nothing-here"

        if "(?P<" not in self.pattern:
            return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.pattern)
        # A regular expression (open311's): a format, and names that name nothing.
        path = re.sub(r"\(\?P<fmt>[^)]*\)", "json", self.pattern)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), "nothing-here")), path)
        return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace  # a nested namespace counts as its app's
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            converters = {
                m.group(2): m.group(1) or "str" for m in re.finditer(r"<(?:(\w+):)?(\w+)>", pattern)
            }
            if "(?P<" in pattern:
                converters = {m.group(1): "str" for m in re.finditer(r"\(\?P<(\w+)>", pattern)}
            yield Route(namespace, p.name or pattern, pattern, converters)


def page_routes() -> list[Route]:
    return [
        r for r in _walk(get_resolver().url_patterns, "", "") if not r.pattern.startswith(NOT_WALKED_PREFIXES)
    ]


@dataclass(frozen=True)
class Operation:
    method: str  # "get", "post", …
    path: str  # "/api/v1/duty/now"
    responses: frozenset[int]  # the statuses the document promises

    @property
    def app(self) -> str:
        return self.path.split("/")[3]

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, values: dict[str, Any] | None = None) -> str:
        values = values or {}
        return re.sub(r"{(\w+)}", lambda m: str(values.get(m.group(1), "999999")), self.path)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def api_operations() -> list[Operation]:
    from mochou.api import api

    document = api.get_openapi_schema(path_prefix="/api/")
    return [
        Operation(method, path, frozenset(int(s) for s in spec["responses"]))
        for path, methods in document["paths"].items()
        for method, spec in methods.items()
    ]


# ---------------------------------------------------------------- the classification


def _duty(user: Any) -> bool:
    from duty.access import may_use_duty

    return may_use_duty(user)


def _enforcement(user: Any) -> bool:
    from enforcement.guards import may_report
    from enforcement.models import Violation

    return may_report(user) or Violation.objects.visible_to(user).exists()


def _affairs(user: Any) -> bool:
    from affairs.office import is_office_staff

    # The office works the queue; a department's staff their own applications (object-level);
    # the city's leaders and the auditors read every application (Application.objects.visible_to
    # and the pages' _staff_only), as they read every violation.
    return (
        is_office_staff(user)
        or user.role in (Role.LEADER, Role.AUDITOR)
        or (user.role in (Role.CLERK, Role.UNIT_LEADER) and user.unit_id is not None)
    )


def _hall(user: Any) -> bool:
    from hall.access import is_hall_staff

    return is_hall_staff(user)


def _investment(user: Any) -> bool:
    from investment.access import may_use_app

    return may_use_app(user)


def _intermediaries(user: Any) -> bool:
    from intermediaries.access import may_use

    return may_use(user)


def _sees(model: str, lookup: str) -> Callable[[Any, str], bool]:
    """Whether `model.objects.visible_to(user)` holds the item named `value` (by `lookup`)."""

    def sees(user: Any, value: str) -> bool:
        from django.apps import apps

        manager = apps.get_model(model).objects
        return bool(manager.visible_to(user).filter(**{lookup: value}).exists())

    return sees


def _sees_through(model: str, parent: str, parent_model: str) -> Callable[[Any, str], bool]:
    """Whether the user sees the item (by pk) of `model` whose `parent` (a lookup) the user sees:
    a file is as private as the item it belongs to."""

    def sees(user: Any, value: str) -> bool:
        from django.apps import apps

        visible = apps.get_model(parent_model).objects.visible_to(user)
        return bool(apps.get_model(model).objects.filter(pk=value, **{f"{parent}__in": visible}).exists())

    return sees


def _sees_visit(user: Any, value: str) -> bool:
    from enterprises.squad.services import visible_visits

    return bool(visible_visits(user).filter(pk=value).exists())


def _sees_matter(user: Any, value: str) -> bool:
    """A published matter is everyone's; a draft (new, under review, or the edit of a published
    one) is its department's and the office's, who review it."""
    from affairs.models import Matter, MatterStatus
    from affairs.office import is_office_staff

    matter = Matter.objects.filter(pk=value).first()
    if matter is None:
        return False
    published = matter.status == MatterStatus.PUBLISHED and matter.draft_of_id is None
    return (
        published
        or is_office_staff(user)
        or (user.unit_id is not None and matter.department_id == user.unit_id)
    )


def _sees_need(user: Any, value: str) -> bool:
    from intermediaries.access import need_filter
    from intermediaries.models import Need

    return Need.objects.filter(need_filter(user), pk=value).exists()


@dataclass(frozen=True)
class App:
    """`uses`: who may open the app's staff pages (None: every member of staff — an older app whose
    own permission matrix lives elsewhere, e.g. the cases' above); `public`: route names (without
    the namespace) that anyone opens without logging in; `staff`: route names that every member of
    staff opens, outsiders to the app included, because they show only what is public anyway."""

    uses: Callable[[Any], bool] | None = None
    public: frozenset[str] = field(default_factory=frozenset)
    staff: frozenset[str] = field(default_factory=frozenset)
    # An item's own page (route name → its parameter, and whether the user sees that item): a
    # user who does not must get 403/404 there, even one who uses the app (someone else's item).
    owner: dict[str, tuple[str, Callable[[Any, str], bool]]] = field(default_factory=dict)


# Walked in the demo city as each of its kinds of user (below): the loops and apps built after the
# hotline, whose pages the case matrix does not reach. 莫愁小分队 lives in `enterprises`.
WALKED_APPS = ("duty", "enforcement", "affairs", "hall", "investment", "intermediaries", "enterprises")

APPS: dict[str, App] = {
    # The hotline and the apps around it: every page needs a login; their role rules are
    # tests/test_authorization_matrix.py's case matrix and each app's own tests.
    # The SMS short link, the login page, and the load balancer's probes (mochou/health.py: no
    # login, a prober has none; they say only whether the process and its database answer).
    "": App(public=frozenset({"short_link", "login", "healthz", "readyz"})),
    "audit": App(),
    "cases": App(),
    "notifications": App(),
    "knowledge": App(public=frozenset({"public_index"})),  # the guides published to citizens
    "replytemplates": App(),
    "catalogue": App(),  # 派单目录 (triage)
    "console": App(),
    "supervision": App(),
    "stats": App(),
    "hotspots": App(),
    "dashboard": App(),
    # Open311 GeoReport v2: a public interface by definition (its writes take an API key).
    "open311": App(
        public=frozenset(
            {
                "discovery",
                "services",
                "service",
                "requests",
                "request",
                "token",
                "open311/^(?P<rest>v2/.*|discovery.*)$",
            }
        )
    ),
    # The citizens' mobile page: reporting, tracking by number and phone, the SMS link.
    "portal": App(
        public=frozenset({"submit", "done", "privacy", "track", "case", "rate", "reply_file", "link"})
    ),
    # 店小二 and 莫愁小分队: staff pages by enterprise visibility; the enterprise's own link carries a token.
    "enterprises": App(
        public=frozenset({"access", "squad_access", "squad_access_act"}),
        owner={
            "detail": ("pk", _sees("enterprises.Enterprise", "pk")),
            "squad_detail": ("pk", _sees_visit),
        },
    ),
    "duty": App(
        _duty,
        owner={
            "incident": ("number", _sees("duty.Incident", "number")),
            "keyperson": ("pk", _sees("duty.KeyPerson", "pk")),
            "drill": ("pk", _sees("duty.Drill", "pk")),
        },
    ),
    "enforcement": App(
        _enforcement,
        owner={
            "detail": ("number", _sees("enforcement.Violation", "number")),
            # The photos show someone's house and land: as private as their violation.
            "photo": ("pk", _sees_through("enforcement.Photo", "violation", "enforcement.Violation")),
        },
    ),
    "affairs": App(
        _affairs,
        public=frozenset(
            {
                "public_catalogue",
                "public_matter",
                "apply",
                "apply_bundle",
                "track",
                "progress",
                "correct",
                "withdraw",
                "rate",
                "joint_progress",
                "withdraw_consent",
                "complain",
                "applicant_file",
                "consult",
            }
        ),
        # The 事项清单 as published is the applicants' guide (public_catalogue shows the same
        # matters without a login), so every member of staff reads it; a draft only its
        # department and the office (the owner check below). The 收件 form's materials fragment
        # shows a published matter's materials list, the guide's too.
        staff=frozenset({"matters", "matter", "matter_materials"}),
        owner={
            "detail": ("number", _sees("affairs.Application", "number")),
            "matter": ("pk", _sees_matter),
        },
    ),
    "hall": App(
        _hall,
        public=frozenset(
            {
                "kiosk",
                "kiosk_take",
                "kiosk_check_in",
                "kiosk_ticket",
                "screen",
                "screen_board",
                "book",
                "book_matter",
                "my_appointment",
                "cancel_appointment",
            }
        ),
    ),
    "investment": App(
        _investment,
        owner={
            "detail": ("number", _sees("investment.Project", "number")),
            # A stage report's documents are as private as the project they belong to.
            "document": (
                "pk",
                _sees_through("investment.StageDocument", "report__project", "investment.Project"),
            ),
        },
    ),
    "intermediaries": App(
        _intermediaries, public=frozenset({"agency_access"}), owner={"need": ("pk", _sees_need)}
    ),
}

# API operations that do not take the staff's bearer token: the data exchange with the province's
# platform signs its requests (affairs/exchange.py). An anonymous call must still do nothing.
OWN_AUTH_PATHS = ("/api/v1/affairs/exchange/",)


def unclassified(routes: list[Route], operations: list[Operation]) -> list[str]:
    """What a newcomer must add to APPS, in words."""
    problems = []
    for route in routes:
        if route.app not in APPS:
            problems.append(
                f"page {route.name} (/{route.pattern}) belongs to the app {route.app!r}, which "
                f"tests/routes.py does not classify: add APPS[{route.app!r}] = "
                "App(uses=<who may use its pages>, public=<the route names anyone may open>)"
            )
    names = {r.name for r in routes}
    for app, spec in APPS.items():
        for name in spec.public:
            full = f"{app}:{name}" if app else name
            if full not in names:
                problems.append(f"APPS[{app!r}].public names {name!r}, which is no longer a route")
    for op in operations:
        if op.app not in APPS:
            problems.append(f"API {op} belongs to {op.app!r}, which tests/routes.py does not classify")
    return problems


def uses(app: str, user: Any) -> bool:
    """Whether the user is an insider of the app: every member of staff where the app has no rule."""
    rule = APPS[app].uses
    return rule is None or rule(user)


def may_open(route: Route, user: Any) -> bool:
    """Whether the user may open the route's page at all (its item may still be another's)."""
    return uses(route.app, user) or route.local_name in APPS[route.app].staff


def is_public(route: Route) -> bool:
    spec = APPS.get(route.app)
    return spec is not None and route.local_name in spec.public


# ---------------------------------------------------------------- real URLs, found by crawling

LINK = re.compile(r"""(?:href|action|hx-get|hx-post|src)=["'](/[^"'#?\s]*)""")


def links_in(html: str) -> set[str]:
    return set(LINK.findall(html))


def crawl(client: Any, users: list[Any], apps: tuple[str, ...], depth: int = 2) -> dict[str, str]:
    """Route name → a real URL of it (an item that exists), found in the links of the pages these
    users open, starting from the apps' pages without parameters."""
    from django.urls import Resolver404, resolve

    routes = {r.name: r for r in page_routes() if r.app in apps}
    found: dict[str, str] = {}
    frontier = [r.url() for r in routes.values() if not r.converters]
    for _ in range(depth):
        following: list[str] = []
        for user in users:
            client.force_login(user)
            for url in frontier:
                response = client.get(url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                # In order: a set's order changes with every run's string hashing, and which item
                # is found first decides what the walk is shown (the first violation has photos).
                for link in sorted(links_in(response.content.decode())):
                    try:
                        name = resolve(link).view_name
                    except Resolver404:
                        continue
                    if name in routes and name not in found:
                        found[name] = link
                        following.append(link)
        frontier = following
    return found


def demo_users() -> list[Any]:
    """One of each kind of user of the demo city: the named logins (every role, the centre, two
    departments, a township, the leader, the auditor), a clerk of each app's office, a window
    clerk of the hall and a member of the squad."""
    from accounts.demo import DEMO_LOGINS
    from accounts.models import User
    from affairs.office import office_code as affairs_office
    from duty.config import office_code as duty_office
    from enforcement.config import office_code as enforcement_office
    from enterprises.squad.models import SquadMember
    from intermediaries.config import config as intermediaries_config
    from investment.config import config as investment_config

    # One of each role and kind of unit (the second agent, the other leaders add nothing).
    named = [d.username for d in DEMO_LOGINS if d.username not in ("agent2", "jyj_leader", "yzjd_leader")]
    users = list(User.objects.filter(username__in=named).order_by("pk"))
    offices = [
        duty_office(),
        enforcement_office(),
        affairs_office(),
        investment_config().office_code,
        intermediaries_config().office_code,
    ]
    for code in offices:
        users += list(User.objects.filter(unit__code=code, is_active=True).order_by("role", "pk")[:1])
    users += list(
        User.objects.filter(hall_windows__isnull=False, is_active=True).distinct().order_by("pk")[:1]
    )
    member = SquadMember.objects.filter(is_active=True).order_by("-is_leader", "pk").first()
    if member is not None:
        users.append(member.user)
    unique = {u.pk: u for u in users}
    return [User.objects.select_related("unit").get(pk=pk) for pk in unique]
