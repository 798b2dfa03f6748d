"""Points of a violation: stored in WGS84; GCJ-02 (what Chinese map apps show) accepted and converted.

GCJ-02 is WGS84 shifted by a published obfuscation formula; the inverse has no closed form, so
it is found by iterating the forward formula (a few steps reach well under a metre).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from mochou.errors import InvalidInput

WGS84, GCJ02 = "wgs84", "gcj02"
_A = 6378245.0
_EE = 0.00669342162296594323
# 钟祥市 and a margin around it: a point outside is a typo or swapped coordinates.
BOUNDS = (30.6, 31.8, 112.0, 113.3)  # lat min, lat max, lng min, lng max


def _lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _lng(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    d_lat = _lat(lng - 105.0, lat - 35.0)
    d_lng = _lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    wlat, wlng = lat, lng
    for _ in range(10):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        d_lat, d_lng = glat - lat, glng - lng
        wlat, wlng = wlat - d_lat, wlng - d_lng
        if abs(d_lat) < 1e-9 and abs(d_lng) < 1e-9:
            break
    return wlat, wlng


def _six(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def read_point(lat: float | None, lng: float | None, system: str = WGS84) -> tuple[Decimal, Decimal] | None:
    """The WGS84 point to store (6 decimals, about 0.1 m), or None when no point was given."""
    if lat is None and lng is None:
        return None
    if lat is None or lng is None:
        raise InvalidInput("经度和纬度需同时填写。", code="invalid_input.point", details={"field": "lat"})
    if system not in (WGS84, GCJ02):
        raise InvalidInput("坐标系应为 WGS84 或 GCJ-02。", code="invalid_input.crs", details={"field": "crs"})
    lat_min, lat_max, lng_min, lng_max = BOUNDS
    if not (lat_min <= lat <= lat_max and lng_min <= lng <= lng_max):
        raise InvalidInput(
            "坐标不在钟祥市范围内，请检查经纬度是否填反或有误。",
            code="invalid_input.point",
            details={"field": "lat"},
        )
    if system == GCJ02:
        lat, lng = gcj02_to_wgs84(lat, lng)
    return _six(lat), _six(lng)
