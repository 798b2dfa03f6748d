"""A matter's own form fields (申请表): declared in the catalogue and reviewed, answered once on
every door (online, the window, the API), the 一件事 asking the union of its parts' fields once,
each part keeping its own answers, and the department's page showing them (masked for others)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.audit.models import AuditRecord
from accounts.models import ApiToken
from affairs import catalogue, services
from affairs.formfields import clean_answer, clean_answers, fields_text, parse_fields, union_fields
from affairs.models import Application, Bundle, BundlePart, Matter, MatterStatus
from affairs.services.joint import union_form
from affairs.tests.conftest import matter_values
from affairs.workflow import Channel
from mochou.errors import Conflict, InvalidInput
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOUSE = (
    "buyer_name｜购房人姓名｜文本｜必填、个人信息\n"
    "buyer_id｜购房人身份证号｜身份证号｜必填\n"
    "amount｜提取金额（元）｜数字｜必填｜｜不超过账户余额\n"
    "contract_date｜购房合同签订日期｜日期｜必填\n"
    "purpose｜提取用途｜选项｜必填｜首付、还贷\n"
    "buyer_phone｜购房人手机号｜电话｜选填"
)
ANSWERS = {
    "buyer_name": "张小英",
    "buyer_id": "42088119900101123X",
    "amount": "120000",
    "contract_date": "2026-10-08",
    "purpose": "首付",
    "buyer_phone": "139 1234 5678",
}


@pytest.fixture
def fielded(matter: Matter) -> Matter:
    Matter.objects.filter(pk=matter.pk).update(fields=parse_fields(HOUSE))
    matter.refresh_from_db()
    return matter


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# ---------------------------------------------------------------- the catalogue's lines


def test_fields_are_read_from_lines_and_written_back_the_same():
    fields = parse_fields(HOUSE)
    assert [f["kind"] for f in fields] == ["text", "id_number", "number", "date", "choice", "phone"]
    assert fields[0]["personal"]
    assert fields[1]["personal"]
    assert fields[5]["personal"]
    assert not fields[2]["personal"]
    assert fields[4]["options"] == ["首付", "还贷"]
    assert fields[2]["help"] == "不超过账户余额"
    assert parse_fields(fields_text(fields)) == fields


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("Name｜姓名｜文本｜必填", "字段键"),
        ("name｜姓名｜年龄｜必填", "类型应为"),
        ("name｜姓名｜文本｜可选", "第四栏"),
        ("kind｜类别｜选项｜必填｜唯一", "至少要有两个选项"),
        ("name｜姓名｜文本｜必填｜甲、乙", "只有选项字段"),
        ("name｜姓名｜文本", "应为“键｜标签｜类型｜必填或选填”"),
        ("name｜姓名｜文本｜必填\nname｜名字｜文本｜选填", "重复"),
    ],
)
def test_a_bad_field_line_is_refused_in_chinese(line, says):
    with pytest.raises(InvalidInput) as refused:
        parse_fields(line)
    assert says in refused.value.message
    assert refused.value.code == "affairs.matter.fields"


# ---------------------------------------------------------------- answers


def test_each_kind_of_answer_is_cleaned_or_refused_with_its_reason():
    f = {f["key"]: f for f in parse_fields(HOUSE)}
    assert clean_answer(f["amount"], "12,000.50") == "12000.5"
    assert clean_answer(f["amount"], 300) == "300"
    assert clean_answer(f["contract_date"], "2026年3月5日") == "2026-03-05"
    assert clean_answer(f["buyer_id"], "42088119900101123x") == "42088119900101123X"
    assert clean_answer(f["buyer_phone"], "+86 139-1234-5678") == "13912345678"
    assert clean_answer(f["buyer_phone"], "") == ""  # optional
    for key, bad, says in (
        ("buyer_name", "", "请填写购房人姓名"),
        ("amount", "十万", "应为不小于 0 的数字"),
        ("amount", "-5", "应为不小于 0 的数字"),
        ("contract_date", "2026-02-30", "应为日期"),
        ("purpose", "装修", "应为：首付、还贷"),
        ("purpose", "", "请选择提取用途"),
        ("buyer_id", "420881199001011234", "校验码"),
        ("buyer_phone", "12345", "联系电话格式不正确"),
    ):
        with pytest.raises(InvalidInput) as refused:
            clean_answer(f[key], bad)
        assert says in refused.value.message, (key, bad)
        assert refused.value.details["field"] == f"answers.{key}"


def test_every_error_is_named_once_and_unknown_keys_are_refused():
    fields = parse_fields(HOUSE)
    with pytest.raises(InvalidInput) as refused:
        clean_answers(fields, {**ANSWERS, "amount": "x", "purpose": "装修"})
    assert refused.value.code == "affairs.answer_invalid"
    assert set(refused.value.details["errors"]) == {"amount", "purpose"}
    assert "另有 1 处" in refused.value.message
    with pytest.raises(InvalidInput) as unknown:
        clean_answers(fields, {**ANSWERS, "colour": "红"})
    assert unknown.value.code == "affairs.answer_unknown"
    # A partner's forwarded answers: what our copy knows is checked, the rest is not asked here.
    assert clean_answers(fields, {"amount": "5", "colour": "红"}, complete=False) == {"amount": "5"}


# ---------------------------------------------------------------- the service


def test_submit_stores_the_cleaned_answers_and_pins_the_fields(clock, fielded, person):
    app = services.submit(fielded, person, provided=[], channel=Channel.ONLINE, answers=ANSWERS)
    assert app.answers["buyer_phone"] == "13912345678"
    assert app.answers["contract_date"] == "2026-10-08"
    assert [f["key"] for f in app.matter_snapshot["fields"]] == list(ANSWERS)
    with pytest.raises(InvalidInput) as refused:
        services.submit(
            fielded, person, provided=[], channel=Channel.ONLINE, answers={"buyer_name": "张小英"}
        )
    assert "buyer_id" in refused.value.details["errors"]
    assert Application.objects.count() == 1  # nothing written for the refused one


# ---------------------------------------------------------------- 一事联办: the union


def _two_parts(city, office, first: str, second: str) -> Bundle:
    a, _ = catalogue.import_matter(
        actor=None, code="T-A", values=matter_values(city, name="甲事项", fields=parse_fields(first))
    )
    b, _ = catalogue.import_matter(
        actor=None, code="T-B", values=matter_values(city, name="乙事项", fields=parse_fields(second))
    )
    bundle = Bundle.objects.create(code="two", name="两事一办")
    BundlePart.objects.create(bundle=bundle, matter=a, stage=1)
    BundlePart.objects.create(bundle=bundle, matter=b, stage=1)
    return bundle


def test_a_package_asks_a_shared_key_once_and_each_part_gets_its_own(clock, city, office, person):
    bundle = _two_parts(
        city,
        office,
        "baby_name｜新生儿姓名｜文本｜选填、个人信息\nhospital｜出生医院｜文本｜必填",
        "baby_name｜新生儿姓名｜文本｜必填、个人信息\ncard｜领取方式｜选项｜必填｜窗口、邮寄",
    )
    union = union_form(bundle)
    assert [f["key"] for f in union] == ["baby_name", "hospital", "card"]
    assert union[0]["required"]
    assert union[0]["matters"] == ["甲事项", "乙事项"]
    with pytest.raises(InvalidInput) as refused:
        services.submit_joint(
            bundle, person, provided=[], channel=Channel.ONLINE, answers={"hospital": "市医院"}
        )
    assert set(refused.value.details["errors"]) == {"baby_name", "card"}
    joint = services.submit_joint(
        bundle, person, provided=[], channel=Channel.ONLINE,
        answers={"baby_name": "李沐阳", "hospital": "市人民医院", "card": "邮寄"},
    )  # fmt: skip
    by_matter = {p.matter.code: p.answers for p in joint.parts.all()}
    assert by_matter == {
        "T-A": {"baby_name": "李沐阳", "hospital": "市人民医院"},
        "T-B": {"baby_name": "李沐阳", "card": "邮寄"},
    }


def test_two_definitions_of_one_key_are_refused_naming_both():
    with pytest.raises(Conflict) as refused:
        union_fields(
            [
                ("出生医学证明签发", parse_fields("birth_date｜出生日期｜日期｜必填")),
                ("出生登记", parse_fields("birth_date｜出生时间｜文本｜必填")),
            ]
        )
    assert refused.value.code == "affairs.matter.field_conflict"
    assert "出生医学证明签发" in refused.value.message
    assert "出生登记" in refused.value.message
    assert refused.value.details["differs"] == ["标签", "类型"]


def test_the_office_cannot_publish_a_key_that_conflicts_with_a_partner_matter(
    clock, city, office, office_leader
):
    bundle = _two_parts(city, office, "amount｜金额（元）｜数字｜必填", "name｜名称｜文本｜必填")
    second = bundle.parts.get(matter__code="T-B").matter
    draft = catalogue.edit_matter(
        second,
        actor=city.users["clerk"],
        values=matter_values(city, name="乙事项", fields=parse_fields("amount｜金额（万元）｜数字｜必填")),
    )
    catalogue.REVIEW.submit(draft, actor=city.users["clerk"])
    page = login(office_leader).post(reverse("affairs:matter_act", args=[draft.pk, "publish"]), follow=True)
    assert "表单字段“amount”在“甲事项”和“乙事项”中的定义不一致（标签不同）" in page.content.decode()
    assert Matter.objects.get(pk=draft.pk).status == MatterStatus.SUBMITTED
    second.refresh_from_db()
    assert [f["key"] for f in second.fields] == ["name"]  # the live text is unchanged
    # The same key defined alike publishes.
    catalogue.edit_matter(
        draft, actor=city.users["clerk"],
        values=matter_values(city, name="乙事项", fields=parse_fields("amount｜金额（元）｜数字｜选填")),
    )  # fmt: skip
    catalogue.REVIEW.submit(draft, actor=city.users["clerk"])
    catalogue.REVIEW.publish(draft, actor=office_leader)
    second.refresh_from_db()
    assert [f["key"] for f in second.fields] == ["amount"]
    assert second.revisions.filter(content__fields__0__key="amount").exists()  # versioned with the rest


def test_the_demo_packages_ask_their_shared_fields_once(clock, city, office):
    from affairs.demo_catalogue import BUNDLES, FIELDS

    parsed = {code: parse_fields(text) for code, text in FIELDS.items()}
    newborn, business = (union_fields((code, parsed.get(code, [])) for code, _ in b.parts) for b in BUNDLES)
    assert {"baby_name", "birth_date", "birth_hospital", "mother_id"} <= {f["key"] for f in newborn}
    assert next(f for f in newborn if f["key"] == "baby_name")["matters"] == [
        "WJJ-CS-01", "GAJ-HJ-01", "YBJ-CB-01", "RSJ-SBK-01",
    ]  # fmt: skip
    assert {"company_name", "registered_capital", "business_scope"} <= {f["key"] for f in business}


# ---------------------------------------------------------------- the pages


def test_the_online_form_asks_the_fields_and_says_what_is_wrong(clock, fielded):
    c = Client()
    url = reverse("affairs:apply", args=[fielded.code])
    page = c.get(url).content.decode()
    assert 'id="answer-fields"' in page
    assert "购房合同签订日期" in page
    assert 'type="date"' in page
    form = {
        "name": "张小英", "id_number": "42088119900101123X", "phone": "13912345678", "consent": "on",
        **{f"answer_{k}": v for k, v in ANSWERS.items()},
    }  # fmt: skip
    bad = c.post(url, {**form, "answer_amount": "十万", "answer_buyer_id": ""})
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "提取金额（元）应为不小于 0 的数字" in text
    assert "请填写购房人身份证号" in text
    done = c.post(url, form)
    assert done.status_code == 302
    app = Application.objects.get()
    assert app.answers["purpose"] == "首付"
    mine = c.get(done["Location"]).content.decode()
    assert "张**" in mine
    assert "139****5678" in mine
    assert "42088119900101123X" not in mine


def test_the_window_form_loads_and_checks_the_chosen_matters_fields(clock, city, fielded, window):
    c = login(window)
    fragment = c.get(reverse("affairs:matter_materials"), {"matter": fielded.pk}).content.decode()
    assert 'name="answer_purpose"' in fragment
    assert "首付" in fragment
    form = {
        "matter": fielded.pk, "name": "李建国", "id_number": "420881195501011238", "phone": "13907211234",
        "provided": ["身份证"], **{f"answer_{k}": v for k, v in ANSWERS.items()},
    }  # fmt: skip
    bad = c.post(reverse("affairs:window"), {**form, "answer_contract_date": "昨天"})
    text = bad.content.decode()
    assert "购房合同签订日期应为日期" in text
    assert 'value="身份证" checked' in text  # the materials ticked stay ticked
    assert c.post(reverse("affairs:window"), form).status_code == 302
    assert Application.objects.get().answers["amount"] == "120000"


def test_the_department_reads_the_answers_others_read_them_masked(clock, city, fielded, window, person):
    app = services.submit(
        fielded, person, provided=["身份证", "购房合同"], channel=Channel.ONLINE, answers=ANSWERS
    )
    services.accept(app, actor=window)
    url = reverse("affairs:detail", args=[app.number])
    clerk_page = login(city.users["clerk"]).get(url).content.decode()
    assert 'id="app-answers"' in clerk_page
    assert "42088119900101123X" in clerk_page
    assert "120000" in clerk_page
    assert "首付" in clerk_page
    seen = AuditRecord.objects.filter(action="affairs.applicant_view").latest("pk")
    assert "answers.buyer_id" in seen.new["fields"]
    leader_page = login(city.users["unit_leader"]).get(url).content.decode()  # not the leader's step yet
    assert "420881********123X" in leader_page
    assert "张**" in leader_page
    assert "120000" in leader_page
    assert "42088119900101123X" not in leader_page


# ---------------------------------------------------------------- the API


def _api(client, user, method, path, body=None):
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
    if method == "get":
        return client.get(f"/api/v1/affairs{path}", headers=headers)
    return client.post(
        f"/api/v1/affairs{path}", json.dumps(body), content_type="application/json", headers=headers
    )


def test_the_api_shows_the_fields_and_takes_the_answers_with_precise_errors(
    client, clock, city, fielded, window
):
    matter = _api(client, window, "get", f"/matters/{fielded.code}").json()
    assert matter["fields"][4] == {
        "key": "purpose", "label": "提取用途", "kind": "choice", "required": True, "help": "",
        "options": ["首付", "还贷"], "personal": False,
    }  # fmt: skip
    applicant = {"name": "赵明", "id_number": "420881198001011235", "phone": "13900002222"}
    body = {"matter": fielded.code, "applicant": applicant, "answers": {**ANSWERS, "amount": 1500.5}}
    wrong = _api(client, window, "post", "/applications", {**body, "answers": {**ANSWERS, "purpose": "装修"}})
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "affairs.answer_invalid"
    assert wrong.json()["details"]["errors"] == {"purpose": "提取用途应为：首付、还贷。"}
    extra = _api(client, window, "post", "/applications", {**body, "answers": {**ANSWERS, "x": "1"}})
    assert (extra.status_code, extra.json()["code"]) == (422, "affairs.answer_unknown")
    made = _api(client, window, "post", "/applications", body)
    assert made.status_code == 201, made.content
    answers = {a["key"]: a for a in made.json()["answers"]}
    assert answers["amount"]["value"] == "1500.5"
    assert (answers["buyer_id"]["value"], answers["buyer_id"]["masked"]) == ("420881********123X", True)


def test_the_api_packages_show_the_union_and_take_it_once(client, clock, city, office, window):
    bundle = _two_parts(
        city,
        office,
        "company_name｜企业名称｜文本｜必填",
        "company_name｜企业名称｜文本｜必填\nstaff｜职工人数｜数字｜必填",
    )
    listed = _api(client, window, "get", "/bundles").json()
    assert [(f["key"], f["matters"]) for f in listed[0]["fields"]] == [
        ("company_name", ["甲事项", "乙事项"]), ("staff", ["乙事项"]),
    ]  # fmt: skip
    applicant = {"name": "钟祥市莫愁茶饮有限公司", "id_number": "91420881MA4F0XYH1D", "phone": "0724-4221234",
                 "is_enterprise": True}  # fmt: skip
    made = _api(
        client, window, "post", "/joints",
        {"bundle": bundle.code, "applicant": applicant, "answers": {"company_name": "莫愁茶饮", "staff": 6}},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    parts = Application.objects.filter(joint__number=made.json()["number"])
    assert sorted(p.answers.get("staff", "") for p in parts) == ["", "6"]


def test_the_admin_refuses_a_package_whose_parts_define_a_key_differently(
    client, city, clock, matter, quick_matter
):
    Matter.objects.filter(pk=matter.pk).update(fields=parse_fields("amount｜金额（元）｜数字｜必填"))
    Matter.objects.filter(pk=quick_matter.pk).update(fields=parse_fields("amount｜金额｜文本｜必填"))
    client.force_login(city.users["admin"])
    form = {
        "code": "clash", "name": "冲突一件事", "description": "", "is_active": "on", "audit_reason": "新增",
        "parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0",
        "parts-0-matter": str(matter.pk), "parts-0-stage": "1",
        "parts-1-matter": str(quick_matter.pk), "parts-1-stage": "2",
    }  # fmt: skip
    refused = client.post(reverse("admin:affairs_bundle_add"), form)
    assert refused.status_code == 200
    assert "表单字段“amount”" in refused.content.decode()
    assert not Bundle.objects.filter(code="clash").exists()


def test_a_forwarded_application_carries_its_answers_across(clock, fielded, window, person):
    from affairs.exchange import inbound, outbox
    from affairs.models import Partner

    partner = Partner.objects.create(
        code="420821", name="京山市", base_url="http://127.0.0.1:1", key="k" * 40
    )
    app = services.submit(
        fielded, person, provided=["身份证", "购房合同"], channel=Channel.WINDOW, actor=window,
        partner=partner, answers=ANSWERS,
    )  # fmt: skip
    body = {**outbox.forward_body(app), "number": app.number}
    assert body["answers"]["buyer_phone"] == "13912345678"
    # The other side's copy lacks one field and asks one more: checked as far as it knows them.
    body["answers"] = {**body["answers"], "colour": "红"}
    del body["answers"]["purpose"]
    answer = inbound.receive_application(partner, body)
    received = Application.objects.get(number=answer["number"])
    assert received.answers == {k: v for k, v in app.answers.items() if k != "purpose"}
    body["answers"]["amount"] = "十万"
    body["number"] = "ZW-OTHER"
    with pytest.raises(InvalidInput):
        inbound.receive_application(partner, body)
