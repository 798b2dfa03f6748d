"""Patrols ("无异常" in one tap, findings linked) and 卫片 patches imported as violations to check."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from enforcement import services
from enforcement.models import Channel, PatrolLog, Violation
from enforcement.services.patches import import_patches
from enforcement.services.patrols import log_patrol
from enforcement.tests.conftest import Control, report
from enforcement.workflow import State
from mochou.errors import InvalidInput, NotPermitted
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CSV = (
    "图斑编号,乡镇编码,纬度,经度,面积,坐标系,土地性质,监测日期,描述\n"
    "WP2025-001,420881001,31.17,112.59,120.5,gcj02,耕地,2025-09-01,耕地内新增建筑\n"
    "WP2025-002,皇庄街道,31.20,112.60,45,wgs84,,2025-09-01,\n"
)


def test_nothing_found_in_one_tap_and_findings_linked(client: Client, control: Control) -> None:
    client.login(username="yzjd_clerk", password=PASSWORD)
    client.post(reverse("enforcement:patrols"), {"area": "莫愁湖社区一至三组", "found": "0"})
    log = PatrolLog.objects.get()
    assert log.nothing_found
    finding = log_patrol(actor=control.users["town_clerk"], area="莫愁湖社区四组", nothing_found=False)
    v = services.report_violation(report(control, patrol=finding), actor=control.users["town_clerk"])
    assert list(finding.findings.all()) == [v]
    with pytest.raises(NotPermitted):
        log_patrol(
            actor=control.users["other_clerk"],
            area="莫愁湖社区",
            nothing_found=True,
            township=control.township,
        )
    with pytest.raises(InvalidInput):
        services.report_violation(report(control, patrol=finding), actor=control.users["town_leader"])


def test_a_csv_of_patches_imports_once_as_violations_to_check(control: Control) -> None:
    result = import_patches(CSV.encode(), "patches.csv", actor=control.users["kwb_clerk"])
    assert len(result.created) == 2
    v = Violation.objects.get(patch_ref="WP2025-001")
    assert (v.state, v.channel, v.land_type) == (State.REPORTED, Channel.SATELLITE, "farmland")
    assert Violation.objects.get(patch_ref="WP2025-002").township == control.other_township
    again = import_patches(CSV.encode(), "patches.csv", actor=control.users["kwb_clerk"])
    assert (again.created, again.skipped) == ([], ["WP2025-001", "WP2025-002"])


def test_a_geojson_polygon_becomes_its_mean_point(control: Control) -> None:
    ring = [[112.58, 31.16], [112.60, 31.16], [112.60, 31.18], [112.58, 31.18], [112.58, 31.16]]
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"patch_ref": "WP-G1", "township": "420881001", "area": 300},
            },
        ],
    }
    import_patches(json.dumps(data).encode(), "p.geojson", actor=control.users["kwb_clerk"])
    v = Violation.objects.get(patch_ref="WP-G1")
    assert (float(v.lat or 0), float(v.lng or 0)) == (31.17, 112.59)


def test_a_bad_patch_imports_nothing_and_only_the_office_imports(control: Control) -> None:
    bad = CSV + "WP2025-003,420881999,31.1,112.5,10,,,,\n"
    with pytest.raises(InvalidInput, match="第3个图斑"):
        import_patches(bad.encode(), "p.csv", actor=control.users["kwb_clerk"])
    assert not Violation.objects.exists()
    with pytest.raises(NotPermitted):
        import_patches(CSV.encode(), "p.csv", actor=control.users["town_clerk"])


@pytest.mark.parametrize(
    "body",
    [
        '{"features": [1]}',
        '{"features": "ab"}',
        '{"features": [{"geometry": {"type": "Point", "coordinates": 5}, "properties": {"patch_ref": "x"}}]}',
        '{"features": [{"geometry": {"type": "Polygon", "coordinates": [[1, 2]]}, "properties": {}}]}',
        '{"features": [{"geometry": [], "properties": "x"}]}',
    ],
)
def test_a_malformed_geojson_names_its_feature(control: Control, body: str) -> None:
    with pytest.raises(InvalidInput, match="GeoJSON"):
        import_patches(body.encode(), "p.geojson", actor=control.users["kwb_clerk"])
    assert not Violation.objects.exists()


def test_a_village_grid_worker_logs_patrols_for_the_township_and_the_form_remembers_the_area(
    client: Client, control: Control
) -> None:
    from accounts.models import Role
    from tests.factories import make_user

    grid = make_user("mch_clerk", Role.CLERK, control.village, display_name="莫愁湖网格员")
    log = log_patrol(actor=grid, area="莫愁湖社区五组", nothing_found=True)
    assert log.township == control.township  # the village's township
    with pytest.raises(NotPermitted):
        log_patrol(actor=grid, area="皇庄", nothing_found=True, township=control.other_township)
    client.login(username="mch_clerk", password=PASSWORD)
    page = client.get(reverse("enforcement:patrols")).content.decode()
    assert 'value="莫愁湖社区五组"' in page  # the last area, prefilled
