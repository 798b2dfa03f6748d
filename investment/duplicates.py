"""Duplicate projects (rule 5 of counting.py): which registration is the same project twice.

An investor may hold several projects (a second plant, another chain): what is refused is the
same project entered again, while the first is live (any state but 终止/流失):

- **the same investor** (the same 统一社会信用代码; where either side has none yet — a code is
  needed only from 签约 on — the same investor name) with a **same or near-same** project name:
  `investment.duplicate_project`;
- **another investor** with the **same** project name: `investment.duplicate_name` (the same
  project entered by two offices, one with a mistaken investor).

Names are compared by keys, never as typed:

- `form_key` ("the same name"): Unicode NFKC (full-width letters, digits and brackets become
  half-width), lower case, without whitespace and punctuation — "ＸＸ 新材料项目（一期）" and
  "xx新材料项目(一期)" are the same name;
- `near_key` ("near-same", for one investor): the form key without a trailing 项目 / 建设项目 /
  工程项目, and with the phase marker read: 一期 / 首期 / 第一期 / 1期 is the project itself (no
  marker), any other phase (二期, 第3期 …) stays, as a phase of its own is a project of its own
  (its own signing). "XX新材料项目一期", "XX新材料一期项目" and "XX新材料" are near-same;
  "XX新材料项目二期" is not.
"""

from __future__ import annotations

import re
import unicodedata

from mochou.errors import Conflict

from .models import Project
from .workflow import State

PROJECT_SUFFIXES = ("建设项目", "工程项目", "项目")
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
PHASE = re.compile(r"(?:第?([一二三四五六七八九十]|\d{1,2})|首)期$")


def form_key(name: str) -> str:
    """The name without its form: width, case, whitespace and punctuation."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name)).lower()


def _strip_suffix(key: str) -> str:
    for suffix in PROJECT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def near_key(name: str) -> str:
    """The name as one investor's project: without 项目 and without a first phase's marker."""
    key = _strip_suffix(form_key(name))
    phase = 1
    if (match := PHASE.search(key)) is not None and match.start() > 0:
        number = match.group(1)
        phase = 1 if number is None else NUMERALS.get(number) or int(number)
        key = _strip_suffix(key[: match.start()])
    return key if phase == 1 else f"{key}#{phase}期"


def _same_investor(project: Project, credit_code: str, investor_name: str) -> bool:
    if credit_code and project.investor_credit_code:
        return credit_code == project.investor_credit_code
    return bool(investor_name) and form_key(investor_name) == form_key(project.investor_name)


def check_duplicates(name: str, credit_code: str, investor_name: str, *, exclude: int | None = None) -> None:
    """Refuse a project that is already in the pipeline and live (the module's rule); Conflict
    with the existing project's number and code name (what everyone may see of it)."""
    live = Project.objects.exclude(state=State.TERMINATED)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    same_form, same_near = form_key(name), near_key(name)
    rows = live.only("number", "code_name", "name", "investor_name", "investor_credit_code")
    for other in rows.order_by("number"):
        if _same_investor(other, credit_code, investor_name):
            if near_key(other.name) == same_near:
                raise Conflict(
                    f"该投资方已有名称相同或相近的在办项目（{other.number} {other.code_name}），"
                    "请勿重复登记；"
                    "同一项目追加投资请在原项目上申报“增资扩产”，新的一期请在名称中写明期数。",
                    code="investment.duplicate_project",
                    details={"field": "name", "project": other.number},
                )
        elif form_key(other.name) == same_form:
            raise Conflict(
                f"已有其他投资方的同名在办项目（{other.number} {other.code_name}），请勿重复登记；"
                "如系同一项目更换投资方，请在原项目上申报“变更投资方”。",
                code="investment.duplicate_name",
                details={"field": "name", "project": other.number},
            )
