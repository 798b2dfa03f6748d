from triage.normalize import IDCARD_TOKEN, LANDLINE_TOKEN, MOBILE_TOKEN, mask_personal_data, normalize


def test_masks_mobile_and_id_number():
    text = normalize("我叫张三，电话13812345678，身份证号420881199001011234，请回电。")
    assert "13812345678" not in text
    assert "420881199001011234" not in text
    assert MOBILE_TOKEN.strip() in text
    assert IDCARD_TOKEN.strip() in text


def test_masks_id_number_with_x_and_full_width_digits():
    text = normalize("身份证：４２０８８１１９９００１０１１２３Ｘ，手机：＋８６ １３９１２３４５６７８")
    assert IDCARD_TOKEN.strip() in text
    assert MOBILE_TOKEN.strip() in text
    assert "1990" not in text
    assert "139" not in text


def test_masks_landlines_and_email():
    text = normalize("座机0724-4221234或(0724)4221234，电话：4221234，邮箱 zhang.san@example.com")
    assert text.count(LANDLINE_TOKEN.strip()) == 3
    assert "EMAILTOKEN" in text
    assert "4221234" not in text
    assert "@" not in text


def test_keeps_dates_amounts_and_case_numbers():
    text = normalize("2019年12月30日缴费300元，20191230，工单编号12345678")
    assert "2019年12月30日" in text
    assert "300元" in text
    assert "20191230" in text
    assert "12345678" in text


def test_full_width_html_and_white_space():
    assert normalize("\n\t\t ＡＢＣ１２３，&nbsp;<b>你好</b>&amp;再见\n\n") == "ABC123, 你好 &再见"
    assert normalize(None) == ""
    assert normalize("") == ""


def test_mask_is_idempotent():
    once = mask_personal_data("电话13812345678")
    assert mask_personal_data(once) == once
