"""GET services.{fmt}, services/{code}.{fmt} and discovery: our second-level categories as services."""

from __future__ import annotations

from typing import Any

import pytest

from cases.models import Category
from open311.tests.conftest import errors, parse

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


@pytest.fixture
def more_categories(city: Any) -> dict[str, Category]:
    """A second "其他" under another subject, and a confidential subject that must stay hidden."""
    top = city.category.parent.parent
    other = Category.objects.create(name="其他", level=2, path="城乡建设/其他", parent=top)
    env = Category.objects.create(name="环境保护", level=1, path="环境保护")
    other_env = Category.objects.create(name="其他", level=2, path="环境保护/其他", parent=env)
    secret_top = Category.objects.create(name="纪检监察", level=1, path="纪检监察")
    secret = Category.objects.create(name="贪污贿赂", level=2, path="纪检监察/贪污贿赂", parent=secret_top)
    return {"other": other, "other_env": other_env, "secret": secret}


def test_service_list_json_has_the_spec_fields(client: Any, service: Category) -> None:
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    body = parse(response, "json")
    assert list(body[0]) == SERVICE_FIELDS
    entry = next(s for s in body if s["service_code"] == str(service.pk))
    assert entry == {
        "service_code": str(service.pk),
        "service_name": "城市建设和市政管理",
        "description": "城乡建设：城市建设和市政管理，包括市政设施",
        "metadata": True,
        "type": "realtime",
        "keywords": "市政设施",
        "group": "城乡建设",
    }


def test_service_list_xml_uses_services_and_service_elements(client: Any, service: Category) -> None:
    root = parse(client.get("/open311/v2/services.xml"), "xml")
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == SERVICE_FIELDS
    assert first.findtext("service_code") == str(service.pk)
    assert first.findtext("metadata") == "true"
    assert first.findtext("group") == "城乡建设"


def test_services_with_the_same_name_are_told_apart_and_confidential_ones_hidden(
    client: Any, more_categories: dict[str, Category]
) -> None:
    body = parse(client.get("/open311/v2/services.json"), "json")
    names = {s["service_code"]: s["service_name"] for s in body}
    assert names[str(more_categories["other"].pk)] == "其他（城乡建设）"
    assert names[str(more_categories["other_env"].pk)] == "其他（环境保护）"
    assert str(more_categories["secret"].pk) not in names
    assert "贪污贿赂" not in str(body)


def test_service_definition_offers_subcategories_and_kinds(client: Any, city: Any, service: Category) -> None:
    body = parse(client.get(f"/open311/v2/services/{service.pk}.json"), "json")
    assert body["service_code"] == str(service.pk)
    sub, kind = body["attributes"]
    assert sub["code"] == "subcategory"
    assert sub["datatype"] == "singlevaluelist"
    assert sub["variable"] is True
    assert sub["required"] is False
    assert sub["order"] == 1
    assert sub["values"] == [{"key": str(city.category.pk), "name": "市政设施"}]
    assert kind["code"] == "kind"
    assert {v["key"] for v in kind["values"]} == {"help", "complaint", "consult", "suggestion", "praise"}


def test_service_definition_xml(client: Any, city: Any, service: Category) -> None:
    root = parse(client.get(f"/open311/v2/services/{service.pk}.xml"), "xml")
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == str(service.pk)
    attribute = root.find("attributes/attribute")
    assert [c.tag for c in attribute] == [
        "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
    ]  # fmt: skip
    assert attribute.findtext("required") == "false"
    value = attribute.find("values/value")
    assert (value.findtext("key"), value.findtext("name")) == (str(city.category.pk), "市政设施")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_confidential_service_is_a_404_in_the_spec_format(
    client: Any, fmt: str, more_categories: dict[str, Category]
) -> None:
    for code in ["999999", "abc", str(more_categories["secret"].pk)]:
        response = client.get(f"/open311/v2/services/{code}.{fmt}")
        assert response.status_code == 404
        [(status, text)] = errors(response, fmt)
        assert status == 404
        assert f"service_code {code} 不存在" in text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wrong_jurisdiction_is_a_404_and_ours_is_accepted(client: Any, city: Any, fmt: str) -> None:
    response = client.get(f"/open311/v2/services.{fmt}", {"jurisdiction_id": "sf.gov"})
    assert response.status_code == 404
    assert errors(response, fmt)[0][0] == 404
    assert "jurisdiction_id sf.gov" in errors(response, fmt)[0][1]
    ours = client.get(f"/open311/v2/services.{fmt}", {"jurisdiction_id": "zhongxiang.gov.cn"})
    assert ours.status_code == 200


def test_jurisdiction_comes_from_the_setting(client: Any, city: Any, settings: Any) -> None:
    settings.MOCHOU_OPEN311_JURISDICTION = "420881.gov.cn"
    url = "/open311/v2/services.json"
    assert client.get(url, {"jurisdiction_id": "420881.gov.cn"}).status_code == 200
    assert client.get(url, {"jurisdiction_id": "zhongxiang.gov.cn"}).status_code == 404


def test_unknown_format_or_path_is_a_404_error_list(client: Any, city: Any) -> None:
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404
    assert errors(response, "json") == [(404, "不支持的格式 .csv：请使用 .json 或 .xml。")]
    missing = client.get("/open311/v2/nothing.xml")
    assert missing.status_code == 404
    assert errors(missing, "xml")[0][0] == 404


def test_services_refuse_post_with_405(client: Any, city: Any) -> None:
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert errors(response, "json")[0][0] == 405


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_points_at_the_v2_endpoint(client: Any, db: None, fmt: str) -> None:
    body = parse(client.get(f"/open311/discovery.{fmt}"), fmt)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        assert endpoint["url"] == "http://testserver/open311/v2/"
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert body["changeset"].endswith("+08:00")
    else:
        assert body.tag == "discovery"
        assert body.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"
        assert [f.text for f in body.findall("endpoints/endpoint/formats/format")] == [
            "text/xml",
            "application/json",
        ]
