"""/api/v1/investment: register, declare, document, submit, return, approve; confidential fields; figures."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User

from .conftest import Office, approved, credit, new_project, pdf

pytestmark = pytest.mark.usefixtures("clock")
BASE = "/api/v1/investment"


def headers(user: User) -> dict[str, str]:
    token = ApiToken.issue(user)
    return {"Authorization": f"Bearer {token}"}


def test_a_stage_over_json(client: Client, office: Office) -> None:
    clerk, leader = headers(office.clerk), headers(office.leader)
    body: dict[str, Any] = {
        "code_name": "装备项目A", "name": "智能农机整机制造项目", "investor_name": "湖北某某农机有限公司",
        "investor_credit_code": credit(7), "source": "channel", "chain": office.chain.code,
        "park": office.park.code, "township": office.city.township.code, "total_investment": "80000.50",
    }  # fmt: skip
    r = client.post(f"{BASE}/projects", body, content_type="application/json", headers=clerk)
    assert r.status_code == 201, r.content
    assert r.json()["name"] is None  # a clerk does not see the real name
    number = r.json()["number"]
    again = client.post(f"{BASE}/projects", body, content_type="application/json", headers=clerk)
    assert (again.status_code, again.json()["code"]) == (409, "investment.duplicate_project")
    r = client.post(
        f"{BASE}/projects/{number}/reports",
        {"stage": "sign", "date": "2025-09-01"},
        content_type="application/json",
        headers=clerk,
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert (
        client.post(f"{BASE}/reports/{pk}/submit", {}, content_type="application/json", headers=clerk).json()[
            "code"
        ]
        == "investment.documents_required"
    )
    doc = {
        "title": "投资协议",
        "filename": "协议.pdf",
        "content_base64": base64.b64encode(pdf().read()).decode(),
    }
    r = client.post(f"{BASE}/reports/{pk}/documents", doc, content_type="application/json", headers=clerk)
    assert r.status_code == 201, r.content
    assert (
        client.post(
            f"{BASE}/reports/{pk}/submit", {}, content_type="application/json", headers=clerk
        ).status_code
        == 200
    )
    r = client.post(
        f"{BASE}/reports/{pk}/return", {"note": ""}, content_type="application/json", headers=leader
    )
    assert r.status_code == 422
    r = client.post(
        f"{BASE}/reports/{pk}/approve", {"note": "同意"}, content_type="application/json", headers=leader
    )
    assert r.json()["status"] == "published"
    detail = client.get(f"{BASE}/projects/{number}", headers=leader).json()
    assert (detail["state"], detail["name"], detail["total_investment"]) == (
        "signed",
        "智能农机整机制造项目",
        "80000.50",
    )


def test_the_pipeline_and_the_figures(client: Client, office: Office) -> None:
    approved(office, new_project(office), "sign", date(2025, 3, 3))
    leader = headers(office.leader)
    pipeline = client.get(f"{BASE}/pipeline?year=2025", headers=leader).json()
    assert pipeline["by_month"][2]["signed"] == 1
    project = new_project(office, 2)
    approved(office, project, "sign", date(2025, 3, 5))
    r = client.post(
        f"{BASE}/projects/{project.number}/funds", {"month": "2025-09-01", "amount": "800.25"},
        content_type="application/json", headers=headers(office.clerk),
    )  # fmt: skip
    assert r.status_code == 204, r.content
    funds = client.get(f"{BASE}/figures/funds_arrived?start=2025-09-01&end=2025-10-01", headers=leader).json()
    assert Decimal(funds["value"]) == Decimal("800.25")
    value = client.get(f"{BASE}/figures/signed_amount?start=2025-01-01&end=2026-01-01", headers=leader).json()
    assert Decimal(value["value"]) == Decimal(100000)
    assert client.get(f"{BASE}/pipeline?year=2025", headers=headers(office.township_clerk)).status_code == 403
