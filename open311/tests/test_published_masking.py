"""Personal numbers typed into free text, however they are spelled, never reach a public GET."""

from __future__ import annotations

from typing import Any

import pytest

from open311.tests.conftest import rows
from tests.factories import dispatched_case

# (what the citizen or agent typed, what must not be published, what is published instead)
SPELLINGS = [
    ("请回电+8613912345678谢谢", "13912345678", "+86139****5678"),
    ("请回电0086 139 1234 5678谢谢", "139 1234 5678", "0086 139 **** 5678"),
    ("电话139 0000 1111，晚上打", "139 0000 1111", "139 **** 1111"),
    ("电话138-1234-5678，晚上打", "138-1234-5678", "138-****-5678"),
    ("电话１３８１２３４５６７８，晚上打", "１２３４", "１３８****５６７８"),
    ("身份证号420881 19900101 123X，请核实", "19900101", "420881 ******** 123X"),
    ("身份证号420881-19900101-123X，请核实", "19900101", "420881-********-123X"),
    ("身份证４２０８８１１９９００１０１１２３Ｘ", "１９９００１０１", "４２０８８１********１２３Ｘ"),
    ("座机0724-4222345，白天有人", "4222345", "0724-****345"),
    ("座机0724 4222345，白天有人", "4222345", "0724 ****345"),
    ("住莫愁湖路12号3栋401室，门口积水", "401室", "莫愁湖路**号*栋***室"),
    ("住阳光小区B栋1203，楼道灯坏了", "1203", "阳光小区B栋****"),
    ("住阳光小区5号楼2单元1203，楼道灯坏了", "1203", "阳光小区*号楼*单元****"),
    ("邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ，请回复", "ｚｈａｎｇ", "邮箱***@***，请回复"),
    # Spellings that were published in full before accounts.masking (issue 8).
    ("电话139.1234.5678，晚上打", "1234", "139.****.5678"),
    ("电话139\u200b1234\u200b5678，晚上打", "1234", "139\u200b****\u200b5678"),
    ("电话一三八一二三四五六七八，晚上打", "一二三四", "一三八****五六七八"),
    ("电话幺三八幺二三四五六七八，晚上打", "幺二三四", "幺三八****五六七八"),
    ("座机(0724) 422-2345，白天有人", "422-2", "(0724) ***-*345"),
    ("身份证号420881.19900101.123X，请核实", "19900101", "420881.********.123X"),
    ("身份证号4208 8119 9001 0112 3X，请核实", "9001", "4208 81** **** **12 3X"),
    ("旧身份证420881800101123，请核实", "800101", "420881******123"),
    ("卡号6222 0212 3456 7890 128，请退款", "3456", "**** **** **** ***0 128"),
    ("卡号6222021234567890128，请退款", "62220212345", "***************0128"),
]


IDENTIFIERS = {"service_request_id", "service_code"}


@pytest.mark.parametrize(("typed", "secret", "shown"), SPELLINGS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_numbers_in_the_description_are_masked_however_spelled(
    client: Any, clock: Any, city: Any, fmt: str, typed: str, secret: str, shown: str
) -> None:
    case = dispatched_case(city, content=f"反映：{typed}。")
    for url in (f"/open311/v2/requests.{fmt}", f"/open311/v2/requests/{case.number}.{fmt}"):
        response = client.get(url)
        assert response.status_code == 200
        [detail] = rows(response, fmt)
        # Identifiers are numbers the database chose (a category's code can read 12342 on
        # PostgreSQL, whose sequences are not reset between tests); every text field is checked.
        published = {k: v for k, v in detail.items() if k not in IDENTIFIERS}
        assert all(secret not in str(value) for value in published.values()), published
        description = detail["description"]
        assert description is not None
        assert shown in description


def test_masking_keeps_the_rest_of_the_text_as_typed(client: Any, clock: Any, city: Any) -> None:
    text = "２０２５-09-24晚上，莫愁湖路路灯不亮（已两天），电话13812345678！12345热线请转告。"
    case = dispatched_case(city, content=text, address="郢中街道阳光小区B栋1203")
    [detail] = rows(client.get(f"/open311/v2/requests/{case.number}.json"), "json")
    # Chinese punctuation, dates and the hotline's own number stay; only the phone is starred.
    assert detail["description"] == text.replace("13812345678", "138****5678")
    assert detail["address"] == "郢中街道阳光小区B栋****"
