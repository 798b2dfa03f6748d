"""卫片图斑 intake: a CSV or GeoJSON of satellite-change patches, each a violation to be checked.

CSV (UTF-8, header row): 图斑编号, 乡镇编码 (or 乡镇名称), 纬度, 经度, 面积, and optionally 坐标系
(wgs84/gcj02), 土地性质 (耕地/宅基地/集体土地/国有土地), 监测日期 (YYYY-MM-DD), 描述. GeoJSON: a
FeatureCollection of Point or Polygon features (a polygon's vertex mean is its point) with the
same names as properties (or patch_ref, township, area, crs, land_type, date, description).
A patch already imported (same 图斑编号) is skipped, so a file can be imported twice.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from enforcement.guards import is_office
from enforcement.models import Channel, LandType, Structure, Violation
from enforcement.services.violations import Report, report_violation
from mochou.errors import DomainError, InvalidInput, NotPermitted
from org.models import Unit

MAX_PATCHES = 2000
ALIASES = {
    "patch_ref": ("图斑编号", "patch_ref", "编号"),
    "township": ("乡镇编码", "乡镇名称", "township", "乡镇"),
    "lat": ("纬度", "lat"),
    "lng": ("经度", "lng", "lon"),
    "area": ("面积", "area"),
    "crs": ("坐标系", "crs"),
    "land_type": ("土地性质", "land_type"),
    "date": ("监测日期", "date"),
    "description": ("描述", "description", "变化类型"),
}
LAND_LABELS = {str(label): str(value) for value, label in LandType.choices} | {
    "集体": LandType.COLLECTIVE,
    "国有": LandType.STATE,
}


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _get(row: dict[str, Any], key: str) -> str:
    for name in ALIASES[key]:
        value = row.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _rows_from_csv(text: str) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(text)))


def _bad_feature(n: int) -> InvalidInput:
    return InvalidInput(
        f"GeoJSON 第{n}个图斑格式错误（应为带 properties 的 Point 或 Polygon）。",
        code="invalid_input.file",
        details={"field": "file", "line": n},
    )


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in value[:2])
    )


def _rows_from_geojson(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidInput(
            "GeoJSON 格式错误。", code="invalid_input.file", details={"field": "file"}
        ) from None
    features = data.get("features", []) if isinstance(data, dict) else []
    if not isinstance(features, list):
        raise InvalidInput("GeoJSON 格式错误。", code="invalid_input.file", details={"field": "file"})
    rows = []
    for n, feature in enumerate(features, start=1):
        # A hand-made or truncated file must get its line named, never a server error.
        if not isinstance(feature, dict):
            raise _bad_feature(n)
        props, geometry = feature.get("properties") or {}, feature.get("geometry") or {}
        if not isinstance(props, dict) or not isinstance(geometry, dict):
            raise _bad_feature(n)
        props = dict(props)
        coordinates = geometry.get("coordinates")
        points: list[Any] = []
        if geometry.get("type") == "Point":
            points = [coordinates]
        elif geometry.get("type") == "Polygon" and coordinates:
            ring = coordinates[0] if isinstance(coordinates, list) else None
            if not isinstance(ring, list):
                raise _bad_feature(n)
            points = ring[:-1] or ring
        if not all(_is_position(p) for p in points):
            raise _bad_feature(n)
        if points:
            props.setdefault("lng", sum(p[0] for p in points) / len(points))
            props.setdefault("lat", sum(p[1] for p in points) / len(points))
        rows.append(props)
    return rows


def read_rows(data: bytes, filename: str) -> list[dict[str, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "文件须为 UTF-8 编码。", code="invalid_input.file", details={"field": "file"}
        ) from None
    geo = filename.lower().endswith((".geojson", ".json")) or text.lstrip().startswith("{")
    rows = _rows_from_geojson(text) if geo else _rows_from_csv(text)
    if not rows:
        raise InvalidInput("文件中没有图斑。", code="invalid_input.file", details={"field": "file"})
    if len(rows) > MAX_PATCHES:
        raise InvalidInput(
            f"一次最多导入{MAX_PATCHES}个图斑。", code="invalid_input.file", details={"field": "file"}
        )
    return rows


def _township(value: str) -> Unit | None:
    return Unit.objects.townships().filter(Q(code=value) | Q(name=value) | Q(short_name=value)).first()


def _float(value: str, label: str, line: int) -> float:
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(
            f"第{line}个图斑：{label}无效。", code="invalid_input.patch", details={"line": line}
        ) from None


def import_patches(data: bytes, filename: str, *, actor: User, now: datetime | None = None) -> ImportResult:
    """All or nothing: one bad patch names its line and nothing is imported."""
    if not is_office(actor):
        raise NotPermitted("卫片图斑由市控违办导入。", code="permission_denied.office")
    now = now or timezone.now()
    rows = read_rows(data, filename)
    result = ImportResult()
    seen_refs: set[str] = set()
    with transaction.atomic():
        for line, row in enumerate(rows, start=1):
            ref = _get(row, "patch_ref")
            if not ref:
                raise InvalidInput(
                    f"第{line}个图斑缺少图斑编号。", code="invalid_input.patch", details={"line": line}
                )
            if ref in seen_refs or Violation.objects.filter(patch_ref=ref).exists():
                result.skipped.append(ref)
                continue
            seen_refs.add(ref)
            township = _township(_get(row, "township"))
            if township is None:
                raise InvalidInput(
                    f"第{line}个图斑（{ref}）：乡镇不存在。",
                    code="invalid_input.patch",
                    details={"line": line},
                )
            land = _get(row, "land_type")
            seen = _get(row, "date")
            try:
                built_on = date.fromisoformat(seen) if seen else timezone.localdate(now)
            except ValueError:
                raise InvalidInput(
                    f"第{line}个图斑：监测日期无效。", code="invalid_input.patch", details={"line": line}
                ) from None
            report = Report(
                township=township,
                address=f"{township.display_name} 卫片图斑 {ref}",
                lat=_float(_get(row, "lat"), "纬度", line),
                lng=_float(_get(row, "lng"), "经度", line),
                crs=_get(row, "crs").lower().replace("-", "") or "wgs84",
                area=_get(row, "area") or "0",
                structure=Structure.OTHER,
                land_type=LAND_LABELS.get(land, land or LandType.COLLECTIVE),
                built_on=built_on,
                channel=Channel.SATELLITE,
                patch_ref=ref,
                description=_get(row, "description") or f"卫片监测变化图斑 {ref}，待现场核查",
            )
            try:
                violation = report_violation(report, actor=actor, now=now)
            except DomainError as error:
                raise InvalidInput(
                    f"第{line}个图斑（{ref}）：{error.message}",
                    code="invalid_input.patch",
                    details={"line": line},
                ) from None
            result.created.append(violation.number)
    return result
