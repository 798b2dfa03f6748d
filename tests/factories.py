"""Test data built through the domain services, never by writing states directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import Role, User
from cases import services
from cases.models import POOR_RATINGS, Case, Category, Channel, Kind, Satisfaction
from cases.taxonomy import seed_first_limits
from org.models import Unit, UnitKind

PASSWORD = "mochou-test-pass"


@dataclass
class City:
    centre: Unit
    housing: Unit  # 市住建局: the lead unit in most tests
    education: Unit  # 市教育局: another department (the outsider's)
    township: Unit  # 郢中街道
    category: Category
    users: dict[str, User] = field(default_factory=dict)


def make_user(username: str, role: str, unit: Unit | None, **extra: Any) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit, **extra)
    return user


def make_city() -> City:
    centre = Unit.objects.create(code="C12345", name="钟祥市12345热线中心", kind=UnitKind.CENTRE)
    housing = Unit.objects.create(
        code="D-ZJJ", name="钟祥市住房和城乡建设局", short_name="市住建局", kind=UnitKind.DEPARTMENT
    )
    education = Unit.objects.create(
        code="D-JYJ", name="钟祥市教育局", short_name="市教育局", kind=UnitKind.DEPARTMENT
    )
    township = Unit.objects.create(
        code="420881001", name="郢中街道", kind=UnitKind.TOWNSHIP, division_code="420881001000"
    )
    top = Category.objects.create(name="城乡建设", level=1, path="城乡建设")
    seed_first_limits(
        {top: {"accept_hours": 2, "handle_days": 5, "urgent_accept_hours": 1, "urgent_handle_days": 1}}
    )
    mid = Category.objects.create(
        name="城市建设和市政管理", level=2, path="城乡建设/城市建设和市政管理", parent=top
    )
    leaf = Category.objects.create(
        name="市政设施",
        level=3,
        path="城乡建设/城市建设和市政管理/市政设施",
        parent=mid,
        default_unit=housing,
    )
    city = City(centre=centre, housing=housing, education=education, township=township, category=leaf)
    city.users = {
        "agent": make_user("agent", Role.AGENT, centre, display_name="王话务"),
        "agent2": make_user("agent2", Role.AGENT, centre, display_name="李话务"),
        "dispatcher": make_user("dispatcher", Role.DISPATCHER, centre, display_name="赵派单"),
        "clerk": make_user("clerk", Role.CLERK, housing, display_name="钱承办"),
        "unit_leader": make_user(
            "unit_leader", Role.UNIT_LEADER, housing, display_name="孙局长", mobile="13900000001"
        ),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, centre, display_name="周督办"),
        "leader": make_user("leader", Role.LEADER, None, display_name="吴市长"),
        "admin": make_user(
            "admin", Role.ADMIN, centre, display_name="郑管理", is_staff=True, is_superuser=True
        ),
        "outsider": make_user("outsider", Role.CLERK, education, display_name="冯教育"),
    }
    return city


def make_case(city: City, **overrides: Any) -> Case:
    values: dict[str, Any] = {
        "actor": city.users["agent"],
        "channel": Channel.HOTLINE,
        "kind": Kind.COMPLAINT,
        "title": "小区门口下水道堵塞",
        "content": "郢中街道莫愁湖路12号小区门口的下水道堵塞好几天了，污水漫到路面，请尽快疏通。",
        "citizen_name": "张女士",
        "citizen_phone": "13812345678",
        "address": "郢中街道莫愁湖路12号",
        "township": city.township,
        "category": city.category,
    }
    values.update(overrides)
    return services.register_case(**values)


def dispatched_case(city: City, **overrides: Any) -> Case:
    case = make_case(city, **overrides)
    return services.dispatch(case, actor=city.users["dispatcher"], lead_unit=city.housing)


def accepted_case(city: City, **overrides: Any) -> Case:
    case = dispatched_case(city, **overrides)
    return services.accept(case, actor=city.users["clerk"])


def replied_case(city: City, **overrides: Any) -> Case:
    case = accepted_case(city, **overrides)
    services.submit_reply(
        case, actor=city.users["clerk"], body="已安排市政养护队疏通下水道，现已恢复正常排水。"
    )
    services.approve_reply(case, actor=city.users["unit_leader"])
    return Case.objects.get(pk=case.pk)


def rectifying_case(city: City, satisfaction: str = Satisfaction.UNSATISFIED, **overrides: Any) -> Case:
    """A 差评 on the first callback: the lead unit's rectification is under way (整改中)."""
    case = replied_case(city, **overrides)
    services.callback(
        case, actor=city.users["agent"], reached=True, resolved=False, satisfaction=satisfaction
    )
    return Case.objects.get(pk=case.pk)


def rectified_case(city: City, **overrides: Any) -> Case:
    """The unit has reported its rectification: the centre verifies it (整改待核实)."""
    case = rectifying_case(city, **overrides)
    services.report_rectification(
        case, actor=city.users["clerk"], report="已约谈责任人并再次疏通，现场排水恢复正常。"
    )
    return Case.objects.get(pk=case.pk)


def called_back_case(city: City, satisfaction: str = Satisfaction.SATISFIED, **overrides: Any) -> Case:
    """Called back with `satisfaction`. A 差评 goes through its rectification first (reported,
    verified, called back again with the same rating), so the case waits in 待结案 over a 差评
    that stands."""
    if satisfaction in POOR_RATINGS:
        case = rectified_case(city, **overrides)
        services.verify_rectification(case, actor=city.users["dispatcher"], accepted=True)
    else:
        case = replied_case(city, **overrides)
    services.callback(case, actor=city.users["agent"], reached=True, resolved=True, satisfaction=satisfaction)
    return Case.objects.get(pk=case.pk)


def closed_case(city: City, **overrides: Any) -> Case:
    case = called_back_case(city, **overrides)
    return services.close(case, actor=city.users["agent"])
