"""Demo users: one or more per role, all with the password DEMO_PASSWORD ("mochou2026").

The named logins (DEMO_LOGINS) are the ones shown by `mochou serve`. Every other demo department
and township also gets a clerk and a leader, `<abbreviation>_clerk` / `<abbreviation>_leader`
(e.g. rsj_clerk for 市人社局, hjz_leader for 胡集镇), so that seeded cases can be handled by the
unit they were dispatched to. Unit leaders get demo mobile numbers 13900000xxx (supervision SMS).

Idempotent: an existing user keeps its password (an admin may have changed it); role, unit,
name and mobile are brought back to the demo values.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Role, User
from org.demo import CENTRE_CODE, DEPARTMENTS, TOWNSHIP_SLUGS
from org.models import Unit

DEMO_PASSWORD = "mochou2026"  # noqa: S105 (a documented demo password, shown on the console)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit_code: str | None
    display_name: str
    mobile: str = ""
    is_superuser: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("agent1", Role.AGENT, CENTRE_CODE, "王晓燕"),
    DemoLogin("agent2", Role.AGENT, CENTRE_CODE, "李婷"),
    DemoLogin("dispatcher1", Role.DISPATCHER, CENTRE_CODE, "赵志刚"),
    DemoLogin("zjj_clerk", Role.CLERK, "D-ZJJ", "钱立新"),
    DemoLogin("zjj_leader", Role.UNIT_LEADER, "D-ZJJ", "孙建明", mobile="13900000001"),
    DemoLogin("jyj_clerk", Role.CLERK, "D-JYJ", "冯晓丽"),
    DemoLogin("jyj_leader", Role.UNIT_LEADER, "D-JYJ", "陈国强", mobile="13900000002"),
    DemoLogin("yzjd_clerk", Role.CLERK, "420881001", "褚文静"),
    DemoLogin("yzjd_leader", Role.UNIT_LEADER, "420881001", "卫东升", mobile="13900000003"),
    DemoLogin("supervisor1", Role.SUPERVISOR, CENTRE_CODE, "周建华"),
    DemoLogin("leader1", Role.LEADER, None, "吴国平"),
    DemoLogin("admin", Role.ADMIN, CENTRE_CODE, "郑伟", is_superuser=True),
    DemoLogin("auditor1", Role.AUDITOR, None, "陈审计"),
)

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
_GIVEN_PAIRS = "志强秀英建国丽华海燕明辉静怡建军晓芳伟东小磊娟娟永勇艳红俊杰海涛敏敏文斌"
_GIVEN = [_GIVEN_PAIRS[i : i + 2] for i in range(0, len(_GIVEN_PAIRS), 2)]


def _generated_name(n: int) -> str:
    return _SURNAMES[(n * 7) % len(_SURNAMES)] + _GIVEN[(n * 11) % len(_GIVEN)]


def demo_logins() -> list[DemoLogin]:
    """Every demo user: the named logins, then a clerk and a leader for each other demo unit."""
    logins = list(DEMO_LOGINS)
    taken = {login.username for login in logins}
    unit_slugs = [(d.code, d.slug) for d in DEPARTMENTS] + [
        (code, slug) for code, slug in TOWNSHIP_SLUGS.items()
    ]
    mobile = 10
    for n, (code, slug) in enumerate(unit_slugs):
        if f"{slug}_clerk" not in taken:
            logins.append(DemoLogin(f"{slug}_clerk", Role.CLERK, code, _generated_name(2 * n)))
        if f"{slug}_leader" not in taken:
            logins.append(
                DemoLogin(
                    f"{slug}_leader",
                    Role.UNIT_LEADER,
                    code,
                    _generated_name(2 * n + 1),
                    mobile=f"13900000{mobile:03d}",
                )
            )
            mobile += 1
    return logins


@transaction.atomic
def seed_users() -> dict[str, User]:
    """Create or update the demo users (units must exist: org.demo.seed_org); returns them by username."""
    units = {u.code: u for u in Unit.objects.all()}
    existing = {u.username: u for u in User.objects.filter(username__in=[d.username for d in demo_logins()])}
    hashed = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 for ~130 users would take a minute
    users: dict[str, User] = {}
    for login in demo_logins():
        unit = units.get(login.unit_code) if login.unit_code else None
        if login.unit_code and unit is None:
            continue  # the unit is not there (e.g. removed by an admin): skip its users
        values = {
            "role": login.role,
            "unit": unit,
            "display_name": login.display_name,
            "mobile": login.mobile,
            "is_staff": login.is_superuser,
            "is_superuser": login.is_superuser,
            "is_active": True,
        }
        user = existing.get(login.username)
        if user is None:
            user = User.objects.create(username=login.username, password=hashed, **values)
        else:
            for field, value in values.items():
                setattr(user, field, value)
            user.save(update_fields=list(values))
        users[login.username] = user
    return users
