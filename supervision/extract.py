"""From a meeting record to draft tasks: one per commitment, for the 督查员 to review.

The method (rules, no model; documented in docs/supervision.md):
1. Paragraphs, then clauses: a sentence ends at 。！？ and a clause at ；(both widths).
2. A paragraph that opens with a question (要思考…在哪里?) is deliberation: no commitments.
3. A plan heading (一是“永动机”招商引资倍增计划) opens its plan for the rest of the paragraph;
   elsewhere a plan's keywords may place a clause (one of 4b only in a record naming the plans).
4. A clause is a commitment when it carries a directive (要 / 确保 / 必须 / 务必 / 力争, not the 要
   of 重要、要求、主要…) and none of the exhortation markers (学习、领会、思考、认识、重视、思想、
   精神…): studying a speech is not a task. A list's lead-in (…计划:) is not either.
4b. Without a directive (a work report's bare verb phrases), a clause is a commitment when one of
   its comma-parts opens with an action verb (实施、推进、加强、新增…, after at most a subject
   我们将 and adverbs 深入、积极、大力…; not 坚持/弘扬/顺应: principles) or states a numeric
   target with a verb (城镇新增就业110万人以上) — unless it looks back (了、已经、过去一年…), is a
   slogan (ends in ！) or a heading: a paragraph's first sentence without a comma when more
   follow (促进高质量充分就业。), or a numbered paragraph of one sentence (（一）…). A paragraph
   opening with a look back (过去一年…) has no such commitments. Its title starts at that part.
5. "会议讨论通过了《A》、《B》": each adopted document is a commitment (抓好《A》的组织实施).
6. Deadline: 到2023年(底) → 31 Dec; 2023年6月(底/前) → the month's last day; 年底前 → 31 Dec of the
   meeting's year. Target: N%/亿元/个/家…以上 → "≥N…", 不低于/不少于 → ≥, 以内/不超过 → ≤; else a
   bare count (1.22万个) as it stands.
7. Lead unit: a unit named in the clause (full or short name); else the first keyword rule that
   matches (招商 → 市招商中心 …); else the plan's lead unit. Co-units: the other units found;
   "各乡镇场库/各地" sets `all_townships`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

CN_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}

_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_CLAUSE_END = re.compile(r"(?<=[；;])")
_QUESTION = re.compile(r"[?？]")
_PLAN_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)是(“[^”]{1,12}”[^。，,；;:：]{1,30}?计划)[。.]?")
_DIRECTIVE = re.compile(r"(?<![重主需纪提摘概])要(?![求点闻素件])|确保|必须|务必|力争")
_EXHORTATION = re.compile(
    r"(?<!终身)学习(?!型)|领会|学懂|弄通|思考|认识|重视|思想|(?:会议|讲话|批示|指示)精神|精神实质|站位|带头学"
)
# The commitment test without a directive (4b): a comma-part's head.
_ACTION_VERB = (
    r"实施|推进|推动|推行|推广|加快|开展|建设|新建|建成|建立|构建|创建|完善|健全|制定|编制|出台|落实|"
    r"新增|打造|培育|深化|扩大|加大|加强|强化|促进|提升|提高|优化|做好|办好|抓好|巩固|拓展|鼓励|支持|"
    r"引导|发展|探索|争取|稳定|规范|改造|启动|保障|整治|治理|防范|化解|引进|招引|谋划|统筹|完成|实现"
)
_ADVERB = (
    r"深入|积极|大力|稳步|全面|着力|持续|切实|进一步|系统|全方位|扎实|不断|努力|坚决|认真|主动|有序|"
    r"抓紧|严格|继续|重点|有效|全力|精准|分类|优先|率先|尽快|及时|集中"
)
_SUBJECT = re.compile(r"^(?:我们|我省|全省|我市|全市)?(?:将|还将)")  # 我们将…
_ACTION_HEAD = re.compile(rf"^(?:{_SUBJECT.pattern[1:]})?(?:{_ADVERB}){{0,3}}(?:{_ACTION_VERB})")
_HAS_VERB = re.compile(_ACTION_VERB)  # a numeric target counts with a verb anywhere in its part
_COMMA_PART = re.compile(r"(?<=[，,])")
# A look back (not 为了/除了/了解), a paragraph opening with one, a slogan, a numbered heading.
_RETROSPECTIVE = re.compile(
    r"(?<![为除])了(?!解)|已经|已(?:完成|建成|实现|取得|达到)|过去[一二三四五六七八九十\d]*年|去年|[一二三四五六七八九十\d]+年来|回顾"
)
_LOOKING_BACK = re.compile(r"^(?:过去[一二三四五六七八九十\d]*年|去年|[一二三四五六七八九十\d]+年来|回顾)")
_SLOGAN = re.compile(r"[！!]$")
_NUMBERED = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)")
_ADOPTED = re.compile(r"(?:讨论|审议)通过了?((?:《[^》]+》[、和及]?)+)")
_DOCUMENT = re.compile(r"《([^》]+)》")
_LEAD_IN = re.compile(r"[:：]\s*$")

_BY_YEAR = re.compile(r"到(20\d\d)年(?:底|末)?")
_BY_MONTH = re.compile(r"(20\d\d)年(\d{1,2})月(?:底|末|前|份)")
_YEAR_END = re.compile(r"(?:年底前|年内|今年底)")
_MONTH_END = re.compile(r"(?<![年\d])(\d{1,2})月(?:底|末)前?")
_TARGET = re.compile(
    r"(不低于|不少于|不超过|达到|超过)?\s*(\d+(?:\.\d+)?)\s*(%|％|(?:万|亿)?(?:元|个|家|项|户|人|亩|件|套|所)|公里)"
    r"(以上|以内|以下)?"
)
_ALL_TOWNSHIPS = re.compile(r"各乡镇|各地(?!区)")

# Keyword → unit code, first match wins: the 督查员's usual lead unit for a kind of commitment.
KEYWORD_UNITS: tuple[tuple[str, str], ...] = (
    ("违建|控违", "D-KWB"),
    ("值班|带班|报平安", "D-YJJ"),
    ("冷链|进口.*物品", "D-SCJ"),
    ("疫情|防控|隔离|核酸|疫苗|院感|消杀|流调|救治|医疗机构|监测预警|重点人员", "D-WJJ"),
    ("教师", "D-JYJ"),
    ("12345|热线", "C12345"),
    ("一网通办|政务服务|政务大厅|窗口|营商环境|莫愁", "D-ZSJ"),
    ("招商|引项目|招引|项目满园|店小二|企业家|院墙", "D-ZSZX"),
    ("技改|技术创新|高新技术|龙头|小巨人|产业链", "D-JXJ"),
    ("农业|农产品", "D-NYJ"),
    ("园区|开发区", "D-FGJ"),
    ("污染", "D-STHJ"),
    ("历史遗留|急难愁盼", "D-XFJ"),
    ("创文创卫|城市更新|小城镇|城区|集镇", "D-ZJJ"),
    ("乡村振兴|乡村", "D-NYJ"),
)


@dataclass(frozen=True)
class UnitRef:
    code: str
    names: tuple[str, ...]  # full name, short name, and the short name without 市


@dataclass(frozen=True)
class PlanRef:
    number: int
    name: str
    keywords: tuple[str, ...] = ()
    lead_unit: str = ""


@dataclass
class Draft:
    text: str  # the source sentence (clause)
    title: str
    plan: int | None = None
    plan_name: str = ""
    lead_unit: str = ""
    co_units: list[str] = field(default_factory=list)
    all_townships: bool = False
    deadline: date | None = None
    target: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "title": self.title,
            "plan": self.plan_name or None,
            "plan_number": self.plan,
            "lead_unit": self.lead_unit or None,
            "co_units": self.co_units,
            "all_townships": self.all_townships,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "target": self.target or None,
        }


def unit_refs(units: Iterable[tuple[str, str, str]]) -> list[UnitRef]:
    """(code, name, short name) → the names to look for, longest first when matching."""
    refs = []
    for code, name, short in units:
        names = {n for n in (name, short) if n}
        if short.startswith("市") and len(short) >= 4:
            names.add(short[1:])
        refs.append(UnitRef(code, tuple(sorted(names, key=len, reverse=True))))
    return refs


# ------------------------------------------------------------------ pieces


def clauses(paragraph: str) -> list[str]:
    out = []
    for sentence in _SENTENCE_END.split(paragraph):
        for clause in _CLAUSE_END.split(sentence):
            if clause.strip():
                out.append(clause.strip())
    return out


def find_deadline(text: str, year: int | None) -> date | None:
    if m := _BY_MONTH.search(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return date(y, mo, calendar.monthrange(y, mo)[1])
    if m := _BY_YEAR.search(text):
        return date(int(m.group(1)), 12, 31)
    if year is not None:
        if _YEAR_END.search(text):
            return date(year, 12, 31)
        if (m := _MONTH_END.search(text)) and 1 <= int(m.group(1)) <= 12:
            mo = int(m.group(1))
            return date(year, mo, calendar.monthrange(year, mo)[1])
    return None


def find_target(text: str) -> str:
    """The first bound (≥N…, ≤N…); without one, the first bare count as it stands (1.22万个)."""
    bare = ""
    for m in _TARGET.finditer(text):
        verb, number, unit, tail = m.groups()
        unit = unit.replace("％", "%")
        if tail in ("以上",) or verb in ("不低于", "不少于", "超过"):
            return f"≥{number}{unit}"
        if tail in ("以内", "以下") or verb == "不超过":
            return f"≤{number}{unit}"
        bare = bare or f"{number}{unit}"
    return bare


def title_of(clause: str, limit: int = 40) -> str:
    """The clause without its directive lead and trailing punctuation, cut at a comma."""
    text = re.sub(r"^[^,，:：]{1,8}(?:要求|强调|指出)[,，]", "", clause)
    text = re.sub(r"^[^,，:：]{0,12}?(?:方面|上)[,，]", "", text)
    text = re.sub(r"^(?:要|并要|还要)", "", text).strip("。；;，,！!")
    if len(text) <= limit:
        return text
    cut = max((text.rfind(p, 0, limit) for p in "，,、"), default=-1)
    return text[: cut if cut >= 8 else limit]


def suggest_units(clause: str, units: Sequence[UnitRef], plan: PlanRef | None) -> tuple[str, list[str], bool]:
    named: list[str] = []
    for ref in units:
        if any(name and name in clause for name in ref.names) and ref.code not in named:
            named.append(ref.code)
    keyword_unit = next((code for pattern, code in KEYWORD_UNITS if re.search(pattern, clause)), "")
    lead = named[0] if named else (keyword_unit or (plan.lead_unit if plan else ""))
    co = [c for c in named if c != lead]
    if keyword_unit and keyword_unit != lead and keyword_unit not in co:
        co.append(keyword_unit)
    return lead, co, bool(_ALL_TOWNSHIPS.search(clause))


def _plan_for(number: int, heading: str, plans: Sequence[PlanRef]) -> PlanRef:
    for plan in plans:
        if plan.number == number or plan.name == heading:
            return plan
    return PlanRef(number, heading)


def _keyword_plan(clause: str, plans: Sequence[PlanRef]) -> PlanRef | None:
    for plan in plans:
        if any(k and k in clause for k in plan.keywords):
            return plan
    return None


def action_at(clause: str) -> int | None:
    """Where a commitment stated without a directive starts in the clause (4b): the first comma-part
    that opens with an action verb, or states a numeric target with one; None if no part does."""
    start = 0
    for part in _COMMA_PART.split(clause):
        head = part.strip()
        if _ACTION_HEAD.match(head) or (find_target(head) and _HAS_VERB.search(head)):
            return start + len(part) - len(part.lstrip())
        start += len(part)
    return None


def is_commitment(clause: str) -> bool:
    """A directive (4) or, without one, an action head or numeric target (4b), and no exhortation,
    lead-in, look back or slogan. Headings need the paragraph: `extract` skips them."""
    if _EXHORTATION.search(clause) or _LEAD_IN.search(clause):
        return False
    if _DIRECTIVE.search(clause):
        return True
    return not _RETROSPECTIVE.search(clause) and not _SLOGAN.search(clause) and action_at(clause) is not None


def _is_heading(parts: Sequence[str], i: int) -> bool:
    """A report's heading (4b): the paragraph's first sentence, without a comma while more follow
    (促进高质量充分就业。) or numbered and alone ((一)坚持…, …。)."""
    if i != 0:
        return False
    if len(parts) > 1:
        return not re.search(r"[，,]", parts[0])
    return bool(_NUMBERED.match(parts[0]))


# ------------------------------------------------------------------ the whole record


def extract(
    text: str, *, plans: Sequence[PlanRef] = (), units: Sequence[UnitRef] = (), year: int | None = None
) -> list[Draft]:
    drafts: list[Draft] = []
    # The plans are the city's: their keywords place a clause stated without a directive (4b) only
    # in a record that names them (a provincial report does not work under them).
    names_plans = "八大计划" in text or any(p.name and p.name in text for p in plans)
    for paragraph in (p.strip() for p in text.replace("\r", "").split("\n")):
        if not paragraph:
            continue
        parts = clauses(paragraph)
        if parts and _QUESTION.search(parts[0]):
            continue  # deliberation: 要思考…在哪里?
        plan: PlanRef | None = None
        if m := _PLAN_HEADING.match(paragraph):
            plan = _plan_for(CN_NUMBERS.get(m.group(1), 0), m.group(2), plans)
            parts = clauses(paragraph[m.end() :])
        looking_back = bool(parts and _LOOKING_BACK.match(parts[0]))  # 过去一年…: a review
        for i, clause in enumerate(parts):
            if adopted := _ADOPTED.search(clause):
                for name in _DOCUMENT.findall(adopted.group(1)):
                    drafts.append(
                        _draft(f"《{name}》", clause, None, units, year, title=f"抓好《{name}》的组织实施")
                    )
                continue
            if not is_commitment(clause):
                continue
            title, placed = "", plan or _keyword_plan(clause, plans)
            if not _DIRECTIVE.search(clause):  # 4b: stated without a directive
                if looking_back or _is_heading(parts, i):
                    continue
                title = title_of(_SUBJECT.sub("", clause[action_at(clause) or 0 :]))
                placed = placed if plan or names_plans else None
            drafts.append(_draft(clause, clause, placed, units, year, title=title))
    return drafts


def _draft(
    key: str,
    clause: str,
    plan: PlanRef | None,
    units: Sequence[UnitRef],
    year: int | None,
    *,
    title: str = "",
) -> Draft:
    lead, co, townships = suggest_units(key if title else clause, units, plan)
    return Draft(
        text=clause,
        title=title or title_of(clause),
        plan=plan.number if plan else None,
        plan_name=plan.name if plan else "",
        lead_unit=lead,
        co_units=co,
        all_townships=townships,
        deadline=find_deadline(clause, year),
        target=find_target(clause),
    )


# ------------------------------------------------------------------ reading files


def read_docx(data: bytes) -> str:
    """The paragraphs (and table cells) of a .docx, one per line. Needs python-docx."""
    import io

    try:
        import docx  # type: ignore[import-not-found, unused-ignore]  # python-docx (docs/dependencies.md)
    except ImportError as error:  # pragma: no cover - the dependency is declared
        from mochou.errors import InvalidInput

        raise InvalidInput(
            "服务器未安装 python-docx，暂不能读取 .docx 文件。", code="invalid_input.docx"
        ) from error
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # a corrupt or non-docx upload: python-docx raises several kinds
        from mochou.errors import InvalidInput

        raise InvalidInput("无法读取该 .docx 文件。", code="invalid_input.docx") from error
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("，".join(cell.text for cell in row.cells))
    return "\n".join(lines)
