"""一网通办 in the browser: a citizen applies online on the phone with one material missing, the
综窗 sends one 一次性告知, the citizen corrects it on the progress page; the window accepts, the
department decides, the window posts the result, the citizen rates it; the 综窗 receives a
matter of another department with the matter's materials loaded by htmx (帮办代办 for an elderly
person); and 新生儿出生一件事 on the phone with uploaded files, one part back for 补正 and
resubmitted with its file, every part approved, collected and rated."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from affairs import catalogue, services
from affairs.models import Application, MatterKind
from affairs.workflow import State
from org.models import Unit, UnitKind
from tests.browser.desks import Desk
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    from django.core.cache import cache

    cache.clear()


def test_apply_correct_once_decide_deliver_and_rate(
    journey_city: Any, phone: Callable[[], Page], desk: Callable[[str], Desk]
) -> None:
    city = journey_city
    office = Unit.objects.create(
        code="D-ZSJ", name="钟祥市政务服务和大数据管理局", short_name="市政数局", kind=UnitKind.DEPARTMENT
    )
    make_user("zsj_clerk", Role.CLERK, office, display_name="綦综窗")
    values = {
        "name": "住房公积金提取（购房）", "category": "fund", "department": city.housing,
        "kind": MatterKind.PROMISED, "statutory_days": 3, "promised_days": 1,
        "materials": catalogue.parse_materials("身份证｜原件｜1｜可复用\n购房合同｜复印件｜1"),
        "steps": catalogue.DEFAULT_STEPS, "fee": "不收费", "online": True, "at_window": True, "visits": 0,
        "how": "网上申报", "location": "市民之家", "legal_basis": "《住房公积金管理条例》", "guide": None,
    }  # fmt: skip
    catalogue.import_matter(actor=None, code="ZJJ-GJJ-01", values=values)

    # The citizen, on the phone: finds the matter, applies with the ID card only.
    page = phone()
    # The first visits compile this app's templates; on a loaded machine that exceeds the 5 s default.
    page.set_default_timeout(20_000)
    page.goto("/affairs/guide/")
    page.get_by_role("link", name="住房公积金提取（购房）").tap()
    page.locator("#apply-link").tap()
    page.locator("#id_name").fill("王芳")
    page.locator("#id_id_number").fill("420881199202021231")
    page.locator("#id_phone").fill("13911112222")
    page.get_by_label("身份证（原件1份）").check()
    page.locator("#id_consent").check()
    page.locator("#btn-apply").tap()
    page.wait_for_url(re.compile(r"/affairs/my/[\w-]+/$"))
    progress = page.url
    expect(page.locator("#app-state")).to_have_text("待预审")
    number = page.locator("#app-number").inner_text().strip()

    # The window: one 一次性告知 listing what is missing.
    clerk_desk = desk("zsj_clerk")
    clerk_desk.context.set_default_timeout(20_000)
    window = clerk_desk.page  # desk() has logged in
    window.goto("/affairs/")
    window.get_by_role("link", name=number).click()
    expect(window.locator("#action-accept")).to_have_count(0)
    window.locator("#btn-notify").click()
    expect(window.locator("#app-status")).to_contain_text("待补正")

    # The citizen corrects once, on the progress page.
    page.goto(progress)
    expect(page.locator("#notice-items")).to_contain_text("购房合同")
    page.locator("#btn-correct").tap()
    expect(page.locator("#app-state")).to_have_text("待预审")

    # The window accepts; the department decides in its two steps; the window posts the result.
    window.reload()
    expect(window.locator("#action-notify")).to_have_count(0)  # 补正 once
    window.locator("#btn-accept").click()
    expect(window.locator("#app-deadline")).to_be_visible()
    app = Application.objects.get(number=number)
    app = services.approve_step(app, actor=city.users["clerk"])
    services.grant(app, actor=city.users["unit_leader"])
    window.reload()
    window.locator("#action-deliver").get_by_label("邮寄送达").check()
    window.locator("#id_deliver-tracking_number").fill("EMS9876543210")
    window.locator("#btn-deliver").click()
    expect(window.locator("#app-status")).to_contain_text("已出件")

    # The citizen reads the tracking number and rates.
    page.goto(progress)
    expect(page.locator("#delivered")).to_contain_text("EMS9876543210")
    page.get_by_label("5星 非常满意").check()
    page.locator("#btn-rate").tap()
    expect(page.locator("#rating")).to_contain_text("5星")
    assert Application.objects.get(number=number).state == State.RATED

    # 综窗收件 of the housing department's matter: the materials come with the matter (htmx).
    window.goto("/affairs/window/")
    window.locator("#id_matter").select_option(label="市住建局 · 住房公积金提取（购房）")
    expect(window.locator("#materials-fieldset")).to_contain_text("购房合同")
    window.locator("#id_name").fill("李建国")
    window.locator("#id_id_number").fill("420881195501011238")
    window.locator("#id_phone").fill("13800001111")
    window.locator('#materials-fieldset input[value="身份证"]').check()
    window.locator('#materials-fieldset input[value="购房合同"]').check()
    window.locator("#id_on_behalf").check()
    window.locator("#id_on_behalf_for").select_option("elderly")
    window.locator("#id_on_behalf_note").fill("八十岁独居老人，行动不便")
    window.locator("#btn-receive").click()
    expect(window.locator("#app-on-behalf")).to_contain_text("老年人")
    expect(window.locator("#action-accept")).to_be_visible()
    received = Application.objects.exclude(number=number).get()
    assert received.on_behalf
    assert received.department == city.housing
    assert not received.missing


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_newborn_package_on_the_phone_with_uploads(
    journey_city: Any, phone: Callable[[], Page], desk: Callable[[str], Desk], settings: Any, tmp_path: Any
) -> None:
    """新生儿出生一件事 on the phone: one form with uploaded files; one part back for 补正 and
    resubmitted with a file; every part approved; the result collected at the window and rated."""
    from affairs.models import Bundle, BundlePart, Joint

    settings.MEDIA_ROOT = tmp_path
    city = journey_city
    office = Unit.objects.create(
        code="D-ZSJ", name="钟祥市政务服务和大数据管理局", short_name="市政数局", kind=UnitKind.DEPARTMENT
    )
    make_user("zsj_clerk", Role.CLERK, office, display_name="綦综窗")
    window_clerk = office.staff.get()

    def matter(code: str, name: str, materials: str, unit: Unit) -> Any:
        values = {
            "name": name, "category": "hukou", "department": unit, "kind": MatterKind.PROMISED,
            "statutory_days": 5, "promised_days": 2, "materials": catalogue.parse_materials(materials),
            "steps": catalogue.DEFAULT_STEPS, "fee": "不收费", "online": True, "at_window": True,
            "visits": 0, "how": "", "location": "市民之家", "legal_basis": "《户口登记条例》", "guide": None,
        }  # fmt: skip
        return catalogue.import_matter(actor=None, code=code, values=values)[0]

    birth = matter("WJJ-CS-01", "出生医学证明", "父母身份证｜原件｜1", city.housing)
    hukou = matter("GAJ-HJ-01", "新生儿户口登记", "父母身份证｜原件｜1\n户口簿｜原件｜1", city.housing)
    bundle = Bundle.objects.create(
        code="newborn", name="新生儿出生一件事", description="出生医学证明、户口登记一次办"
    )
    BundlePart.objects.create(bundle=bundle, matter=birth, stage=1)
    BundlePart.objects.create(bundle=bundle, matter=hukou, stage=2)
    files = tmp_path / "upload"
    files.mkdir()
    (files / "id.png").write_bytes(_png())
    (files / "hukou.pdf").write_bytes(PDF)

    page = phone()
    page.set_default_timeout(20_000)
    page.goto("/affairs/guide/")
    page.get_by_role("link", name="新生儿出生一件事").tap()
    page.locator("#id_name").fill("王芳")
    page.locator("#id_id_number").fill("420881199202021231")
    page.locator("#id_phone").fill("13911112222")
    page.locator("#id_file_0").set_input_files(str(files / "id.png"))  # 父母身份证 (both parts need it)
    page.locator("#id_consent").check()
    page.locator("#btn-apply").tap()
    page.wait_for_url(re.compile(r"/affairs/joint/[\w-]+/$"))
    joint_url = page.url
    expect(page.locator("#joint-state")).to_have_text("预审中")
    joint = Joint.objects.get()
    first, second = joint.parts.order_by("stage")
    assert first.missing == []
    assert second.missing == ["户口簿"]
    assert first.files.count() == second.files.count() == 1

    # The window: the birth certificate accepted and granted; the 户口登记 asks for the 户口簿 once.
    first = services.accept(first, actor=window_clerk)
    first = services.grant(
        services.approve_step(first, actor=city.users["clerk"]), actor=city.users["unit_leader"]
    )
    services.notify(second, actor=window_clerk, items=["户口簿"])
    page.goto(joint_url)
    expect(page.locator("#joint-state")).to_have_text("待补正")
    page.get_by_role("link", name="新生儿户口登记").tap()
    expect(page.locator("#notice-items")).to_contain_text("户口簿")
    page.locator("#id_file_0").set_input_files(str(files / "hukou.pdf"))
    page.locator("#btn-correct").tap()
    expect(page.locator("#app-state")).to_have_text("待预审")
    expect(page.locator("#uploaded-files")).to_contain_text("户口簿")
    second = Application.objects.get(pk=second.pk)
    assert second.missing == []

    # Accepted, approved; both results collected at the window; the citizen rates on the phone.
    second = services.accept(second, actor=window_clerk)
    second = services.grant(
        services.approve_step(second, actor=city.users["clerk"]), actor=city.users["unit_leader"]
    )
    page.goto(joint_url)
    expect(page.locator("#joint-state")).to_have_text("待出件")
    clerk_desk = desk("zsj_clerk")
    clerk_desk.context.set_default_timeout(20_000)
    window = clerk_desk.page
    for part in (first, second):
        window.goto(f"/affairs/a/{part.number}/")
        window.locator("#btn-deliver").click()
        expect(window.locator("#app-status")).to_contain_text("已出件")
    page.goto(joint_url)
    expect(page.locator("#joint-state")).to_have_text("已办结")
    page.get_by_role("link", name="新生儿户口登记").tap()
    page.get_by_label("5星 非常满意").check()
    page.locator("#btn-rate").tap()
    expect(page.locator("#rating")).to_contain_text("5星")
    assert Application.objects.get(pk=second.pk).state == State.RATED
