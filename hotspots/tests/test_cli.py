"""`mochou hotspots find FILE.csv`: one JSON line per hotspot, hottest first."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hotspots.tests.world import REQUESTS, when

# A file has no 乡镇: the known world without the two requests of the other township (whose
# near-identical words the place factor weakens but does not keep apart; docs/hotspots.md).
FILE_REQUESTS = [r for r in REQUESTS if r[4] == "a"]
EXPECTED = [[1, 2, 3, 4], [5, 6, 7]]


def write_world(path: Path, *, votes: bool) -> None:
    columns = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"] + (
        ["点赞数", "反对数"] if votes else []
    )
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for k, title, content, day, _ in FILE_REQUESTS:
            row = [str(k), "u", title, when(day).strftime("%Y/%m/%d %H:%M:%S"), content]
            out.writerow(row + (["7" if k == 5 else "0", "0"] if votes else []))


def run(*args: str) -> list[dict[str, object]]:
    out, err = io.StringIO(), io.StringIO()
    call_command("hotspots", "find", *args, stdout=out, stderr=err)
    assert "个高频事" in err.getvalue()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_find_prints_the_documented_lines(tmp_path: Path) -> None:
    path = tmp_path / "world.csv"
    write_world(path, votes=False)
    lines = run(str(path))
    assert [line["ids"] for line in lines] == [[str(i) for i in g] for g in EXPECTED]
    for line in lines:
        assert {"title", "heat", "place", "ids"} <= set(line)
    assert lines[0]["title"] == "莫愁湖路阳光小区门口下水道堵塞"
    assert [line["heat"] for line in lines] == [4.0, 3.0]


def test_votes_raise_the_heat_where_the_file_has_them(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    write_world(path, votes=True)
    lines = run(str(path))
    # 7 likes on a message of the three-message hotspot: 3 + log2(8) = 6 > 4 — it comes first.
    assert lines[0]["ids"] == ["5", "6", "7"]
    assert lines[0]["heat"] == 6.0


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("hotspots", "find", str(tmp_path / "nope.csv"))
