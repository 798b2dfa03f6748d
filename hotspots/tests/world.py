"""A small known world of requests: three problems at three places, and two strays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 5, 1, 9, tzinfo=UTC)

# (key, title, content, day, township key)
REQUESTS: list[tuple[int, str, str, int, str]] = [
    (
        1,
        "莫愁湖路阳光小区门口下水道堵塞",
        "郢中街道莫愁湖路阳光小区门口的下水道堵塞好几天了，污水漫到路面，请尽快疏通。",
        0,
        "a",
    ),
    (
        2,
        "阳光小区门口下水道又堵了",
        "莫愁湖路阳光小区门口下水道堵塞，污水横流，臭气熏天，请派人疏通。",
        2,
        "a",
    ),
    (
        3,
        "反映莫愁湖路阳光小区下水道堵塞",
        "阳光小区门口的下水道堵塞，污水漫到路面上，居民出行困难，希望尽快疏通下水道。",
        3,
        "a",
    ),
    (
        4,
        "莫愁湖路阳光小区下水道堵塞污水外溢",
        "莫愁湖路阳光小区门口下水道堵塞一周了，污水外溢到路面，请尽快处理疏通。",
        5,
        "a",
    ),
    (
        5,
        "阳春大街夜市烧烤油烟扰民",
        "郢中街道阳春大街夜市的烧烤摊每天晚上油烟很大，熏得楼上住户不敢开窗，请管一管。",
        1,
        "a",
    ),
    (
        6,
        "阳春大街烧烤摊油烟太大",
        "阳春大街夜市烧烤摊油烟扰民，晚上烟雾弥漫，楼上居民无法开窗，请城管处理。",
        4,
        "a",
    ),
    (
        7,
        "投诉阳春大街夜市烧烤油烟",
        "阳春大街夜市烧烤油烟扰民严重，每晚油烟熏进家里，请相关部门整治。",
        6,
        "a",
    ),
    # The same problem as 1–4 in another township: never the same hotspot.
    (8, "石牌镇老街下水道堵塞", "石牌镇老街的下水道堵塞了，污水漫到路面，请尽快疏通。", 2, "b"),
    (9, "石牌镇老街下水道堵了", "石牌镇老街下水道堵塞，污水横流，请派人疏通下水道。", 4, "b"),
    (10, "咨询养老保险转移手续", "我从外地回钟祥工作，想咨询养老保险关系转移需要哪些材料。", 3, "a"),
    (11, "皇城路路灯不亮", "皇城路东段的路灯坏了一个多月，晚上很黑，请维修。", 5, "a"),
]
# Hottest first: the four sewer requests, the three fumes, the two in the other township.
EXPECTED = [[1, 2, 3, 4], [5, 6, 7], [8, 9]]


def when(day: int) -> datetime:
    return T0 + timedelta(days=day)
