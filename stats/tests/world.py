"""A small known world for the statistics' tests, built through the case services on a moving clock.

Period: 2025-09-22 to 2025-10-31. Limits: accept within 2 working hours, answer within 5 working
days (tests.factories' category); 2025-09-28 (a Sunday) is a 调休 working day, 10-01…10-08 国庆.

  A  住建局: accepted at once, answered at once, called back 满意 + resolved, closed.
  B  住建局: accepted a day late, answered after the deadline (10-09), called back 基本满意, not resolved.
  C  住建局 returns it within the limit (upheld); re-dispatched to 郢中街道 (its clerk), accepted,
     answered on time, callback unreachable three times (the citizen counts as unreachable).
  D  a duplicate of A, merged into it.
  E  住建局: answered on time; first callback 不满意 → rectification; the centre reopens instead;
     answered again on time; called back 非常满意 + resolved.
  F  教育局: dispatched, never accepted: past its acceptance and its handling deadline, still open.
  G  a consultation answered at intake (直接办结), called back 满意 + resolved.
  H  教育局 (the township's second case): returned after the acceptance deadline, dispute rejected,
     back to 教育局, accepted at once, still within the fresh deadline at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Role
from cases import services
from cases.models import Case, Kind, Satisfaction
from tests.factories import City, make_case, make_user

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 9, 22, 9, 0, tzinfo=TZ)  # Monday
END_OF_WORLD = datetime(2025, 10, 20, 10, 0, tzinfo=TZ)


@dataclass
class World:
    city: City
    cases: dict[str, Case]


def at(day: int, month: int = 9, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=TZ)


def build(city: City, clock) -> World:  # clock: time_machine traveller
    u = city.users
    township_clerk = make_user("yz_clerk", Role.CLERK, city.township, display_name="陈街道")
    township_leader = make_user("yz_leader", Role.UNIT_LEADER, city.township, display_name="林主任")
    edu_leader = make_user("edu_leader", Role.UNIT_LEADER, city.education, display_name="何局长")
    cases: dict[str, Case] = {}

    def move(t: datetime) -> None:
        clock.move_to(t)

    def answer(case: Case, clerk, leader) -> Case:
        services.submit_reply(case, actor=clerk, body="已现场核实并处理完毕，问题已解决，特此答复。")
        services.approve_reply(case, actor=leader)
        return Case.objects.get(pk=case.pk)

    # A — everything on time, satisfied.
    move(at(22, hour=9))
    a = make_case(city, title="A 下水道堵塞")
    a = services.dispatch(a, actor=u["dispatcher"], lead_unit=city.housing)
    move(at(22, hour=10))
    a = services.accept(a, actor=u["clerk"])
    move(at(23, hour=10))
    a = answer(a, u["clerk"], u["unit_leader"])
    move(at(24, hour=10))
    services.callback(a, actor=u["agent"], reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    a = services.close(Case.objects.get(pk=a.pk), actor=u["agent"])
    cases["A"] = a

    # B — accepted a day late, answered late, 基本满意 but not resolved.
    move(at(22, hour=9, minute=30))
    b = make_case(city, title="B 路灯不亮")
    b = services.dispatch(b, actor=u["dispatcher"], lead_unit=city.housing)
    move(at(23, hour=15))
    b = services.accept(b, actor=u["clerk"])
    move(at(9, month=10, hour=10))
    b = answer(b, u["clerk"], u["unit_leader"])
    move(at(10, month=10, hour=10))
    services.callback(b, actor=u["agent"], reached=True, resolved=False, satisfaction=Satisfaction.BASICALLY)
    cases["B"] = Case.objects.get(pk=b.pk)

    # C — returned in time (upheld), handled by the township, citizen unreachable.
    move(at(22, hour=10))
    c = make_case(city, title="C 占道经营")
    c = services.dispatch(c, actor=u["dispatcher"], lead_unit=city.housing)
    move(at(22, hour=11))
    c = services.return_case(c, actor=u["clerk"], reason="属于街道属地管理事项，请改派")
    services.rule_dispute(Case.objects.get(pk=c.pk), actor=u["dispatcher"], upheld=True, note="属地事项")
    c = services.dispatch(Case.objects.get(pk=c.pk), actor=u["dispatcher"], lead_unit=city.township)
    move(at(22, hour=11, minute=30))
    c = services.accept(c, actor=township_clerk)
    move(at(25, hour=10))
    c = answer(c, township_clerk, township_leader)
    for hour in (10, 14, 16):
        move(at(26, hour=hour))
        services.callback(Case.objects.get(pk=c.pk), actor=u["agent"], reached=False)
    cases["C"] = Case.objects.get(pk=c.pk)

    # D — a duplicate of A.
    move(at(22, hour=9, minute=10))
    d = make_case(city, title="D 下水道堵塞（重复）")
    services.merge(d, actor=u["dispatcher"], parent=cases["A"])
    cases["D"] = Case.objects.get(pk=d.pk)

    # E — 差评, reopened instead of rectified, answered again, 非常满意.
    move(at(22, hour=14))
    e = make_case(city, title="E 小区噪音")
    e = services.dispatch(e, actor=u["dispatcher"], lead_unit=city.housing)
    e = services.accept(e, actor=u["clerk"])
    move(at(24, hour=14))
    e = answer(e, u["clerk"], u["unit_leader"])
    move(at(25, hour=9))
    services.callback(
        e, actor=u["agent"], reached=True, resolved=False, satisfaction=Satisfaction.UNSATISFIED
    )
    move(at(25, hour=10))
    e = services.reopen(Case.objects.get(pk=e.pk), actor=u["dispatcher"], reason="答复未解决实际问题，重办")
    move(at(29, hour=10))
    e = answer(e, u["clerk"], u["unit_leader"])
    move(at(30, hour=10))
    services.callback(
        e, actor=u["agent"], reached=True, resolved=True, satisfaction=Satisfaction.VERY_SATISFIED
    )
    cases["E"] = Case.objects.get(pk=e.pk)

    # F — 教育局 never accepts.
    move(at(22, hour=15))
    f = make_case(city, title="F 校车超载")
    cases["F"] = services.dispatch(f, actor=u["dispatcher"], lead_unit=city.education)

    # G — answered at intake, satisfied.
    move(at(23, hour=9))
    g = make_case(city, title="G 社保卡办理咨询", kind=Kind.CONSULT)
    g = services.answer_at_intake(g, actor=u["agent"], answer="可携带身份证到市民之家社保窗口办理。")
    move(at(23, hour=15))
    services.callback(g, actor=u["agent"], reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED)
    cases["G"] = Case.objects.get(pk=g.pk)

    # H — 教育局 returns late; the dispute is rejected; back to 教育局, accepted, running.
    move(at(13, month=10, hour=9))
    h = make_case(city, title="H 学区划分")
    h = services.dispatch(h, actor=u["dispatcher"], lead_unit=city.education)
    move(at(14, month=10, hour=15))
    h = services.return_case(h, actor=u["outsider"], reason="学区划分不属于本局答复范围")
    services.rule_dispute(
        Case.objects.get(pk=h.pk), actor=u["dispatcher"], upheld=False, note="学区划分属教育局职责"
    )
    h = services.accept(Case.objects.get(pk=h.pk), actor=u["outsider"])
    cases["H"] = h
    del edu_leader
    move(END_OF_WORLD)
    return World(city=city, cases=cases)


ONE_DAY = timedelta(days=1)
