"""莫愁小分队's demo: the team (a leader of 市经信局 and three members) and visits in every state.

Through the verbs, at past times where a visit has happened. Idempotent: the team's rows are
matched on their users; visits are added only when there are none yet.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from cases.models import Kind
from enterprises.models import Enterprise, EnterpriseContact, SquadMember, SquadVisit
from worktime.calendar import is_workday, next_workday

from . import services

LEADER = "jxj_leader"
MEMBERS = ("jxj_clerk", "swj_leader", "kfq_leader")

TOPICS = (
    "新生产线用电增容审批进度，希望供电公司一同上门",
    "技改补贴和高新技术企业认定政策，想当面了解申报条件",
    "招工难：今年需要普工80人，希望对接人社部门",
    "厂区外道路破损、货车进出困难",
    "融资需求：流动资金贷款500万元，希望对接银行",
    "环评验收相关问题咨询",
    "天然气管网接入时间",
)


def seed_squad(*, now: datetime | None = None) -> int:
    """The team and seven visits (申请, 已安排, 已走访 with a problem, 已评价 ×2, 已取消, 已退回)."""
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in={LEADER, *MEMBERS})}
    if LEADER not in users:
        return 0  # no demo users: nothing to seed
    SquadMember.objects.get_or_create(user=users[LEADER], defaults={"is_leader": True})
    for name in MEMBERS:
        if name in users:
            SquadMember.objects.get_or_create(user=users[name])
    enterprises = list(
        Enterprise.objects.filter(is_active=True).select_related("liaison").order_by("credit_code")[:7]
    )
    if SquadVisit.objects.exists() or len(enterprises) < 7:
        return 0
    leader, team = users[LEADER], [users[n] for n in MEMBERS if n in users][:2]
    # The visits happened on a working morning (the problem found becomes a 12345 appeal then);
    # they were booked three days before.
    day = timezone.localdate(now - timedelta(days=17))
    day = day if is_workday(day) else next_workday(day)
    visited = timezone.make_aware(datetime.combine(day, time(10)))
    past = visited - timedelta(days=3)
    made = 0

    def contact(e: Enterprise) -> EnterpriseContact | None:
        return e.contacts.filter(is_active=True).first()

    # 申请: the enterprise itself, waiting for the leader.
    services.book(
        enterprises[0],
        contact=contact(enterprises[0]),
        topics=TOPICS[0],
        wished_date=(now + timedelta(days=5)).date(),
        now=now,
    )
    # 已安排: booked by the liaison, scheduled for next week.
    if enterprises[1].liaison:
        v = services.book(
            enterprises[1],
            actor=enterprises[1].liaison,
            topics=TOPICS[1],
            wished_date=(now + timedelta(days=3)).date(),
            now=now,
        )
        services.schedule(v, actor=leader, day=(now + timedelta(days=6)).date(), members=team, now=now)
        made += 1
    # 已走访 (a problem found, now an appeal), 已评价 ×2: in the past.
    for i, rating in ((2, None), (3, 5), (6, 2)):
        e = enterprises[i]
        v = services.book(
            e, contact=contact(e), topics=TOPICS[i], wished_date=(past + timedelta(days=2)).date(), now=past
        )
        services.schedule(v, actor=leader, day=day, members=team, now=past)
        problems = (
            [
                {
                    "title": "厂区外道路破损",
                    "content": "厂区外道路约50米路面破损，货车进出困难，请交通部门修复。",
                    "kind": Kind.HELP,
                }
            ]
            if i == 2
            else []
        )
        v = services.record(
            v,
            actor=team[0],
            visited_on=day,
            attendees=team,
            discussed=f"上门了解：{TOPICS[i]}。已当面解答政策，需跟进事项交店小二跟踪。",
            problems=problems,
            now=visited,
        )
        person = contact(e)
        if rating and person is not None:
            note = "当场答复，很及时" if rating > 2 else "只听取了情况，问题没有落实"
            services.rate(v, contact=person, rating=rating, note=note, now=visited + timedelta(days=2))
        made += 1
    # 已取消 by the enterprise; 已退回 by the leader.
    v = services.book(
        enterprises[4],
        contact=contact(enterprises[4]),
        topics=TOPICS[4],
        wished_date=(now + timedelta(days=10)).date(),
        now=now,
    )
    services.cancel(v, contact=contact(enterprises[4]), reason="已与银行直接对接，暂不需要上门", now=now)
    v = services.book(
        enterprises[5],
        contact=contact(enterprises[5]),
        topics=TOPICS[5],
        wished_date=(now + timedelta(days=4)).date(),
        now=now,
    )
    services.return_visit(v, actor=leader, reason="属环评咨询，已电话转市生态环境分局答复，无需上门", now=now)
    return made + 3
