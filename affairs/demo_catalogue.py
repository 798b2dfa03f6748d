"""The demo 事项清单 of a county-level city: ~40 matters of the departments that run the hall.

Limits and materials are plausible, not a copy of a real province's list: the window's current
requirements prevail, as the linked 莫愁指南 guides say. Legal bases name the law, not an
article that could not be checked. `guide` is a knowledge/ demo slug (one text, not two).
"""

from __future__ import annotations

from dataclasses import dataclass

HALL = "市民之家（市政务服务中心）综合窗口"


@dataclass(frozen=True)
class DemoMatter:
    code: str
    name: str
    category: str
    unit: str
    kind: str  # "immediate" | "promised"
    statutory: int
    promised: int
    materials: str  # catalogue.parse_materials lines
    legal_basis: str
    guide: str = ""
    fee: str = "不收费"
    visits: int = 1
    online: bool = True
    how: str = "网上申报或到综合窗口申报，窗口预审受理，部门审批，综合窗口统一出件（可选邮寄）。"
    steps: str = "承办人审核｜承办人\n负责人审批｜负责人"


ID = "申请人居民身份证｜原件｜1｜可复用"
HUKOU = "居民户口簿｜原件｜1｜可复用"
LICENCE = "营业执照｜复印件｜1｜可复用｜SCJ-QYSL-01"
QUICK = "审核办结｜承办人"

MATTERS: tuple[DemoMatter, ...] = (
    # 户籍 (公安)
    DemoMatter(
        "GAJ-HJ-01",
        "出生登记（新生儿落户）",
        "hukou",
        "D-GAJ",
        "promised",
        20,
        1,
        f"出生医学证明｜原件｜1｜可复用｜WJJ-CS-01\n{HUKOU}\n父母居民身份证｜原件｜1｜可复用\n结婚证｜原件｜1",
        "《中华人民共和国户口登记条例》",
        "newborn-hukou",
        visits=0,
    ),
    DemoMatter(
        "GAJ-HJ-02",
        "市内户口迁移",
        "hukou",
        "D-GAJ",
        "promised",
        20,
        3,
        f"{ID}\n{HUKOU}\n房屋产权证明｜复印件｜1｜可复用｜ZRZY-BDC-01",
        "《中华人民共和国户口登记条例》",
        "hukou-transfer",
    ),
    DemoMatter(
        "GAJ-SFZ-01",
        "居民身份证首次申领",
        "hukou",
        "D-GAJ",
        "promised",
        60,
        20,
        f"{HUKOU}\n近期免冠照片（现场采集）｜原件｜1",
        "《中华人民共和国居民身份证法》",
        "id-card-first",
        fee="工本费按规定收取",
    ),
    DemoMatter(
        "GAJ-SFZ-02",
        "居民身份证换领、补领",
        "hukou",
        "D-GAJ",
        "promised",
        60,
        15,
        f"{HUKOU}\n原居民身份证（换领）｜原件｜1",
        "《中华人民共和国居民身份证法》",
        "id-card-replace",
        fee="工本费按规定收取",
    ),
    DemoMatter(
        "GAJ-JZZ-01",
        "居住证办理",
        "hukou",
        "D-GAJ",
        "promised",
        15,
        5,
        f"{ID}\n居住证明（租房合同或房产证明）｜复印件｜1",
        "《居住证暂行条例》",
        "residence-permit",
    ),
    DemoMatter(
        "GAJ-JSZ-01",
        "机动车驾驶证期满换证",
        "other",
        "D-GAJ",
        "immediate",
        1,
        0,
        f"{ID}\n机动车驾驶证｜原件｜1\n身体条件证明｜原件｜1",
        "《中华人民共和国道路交通安全法》",
        "driving-licence-renew",
        fee="工本费按规定收取",
        steps=QUICK,
    ),
    # 社保 (人社)
    DemoMatter(
        "RSJ-SBK-01",
        "社会保障卡申领",
        "social",
        "D-RSJ",
        "promised",
        20,
        5,
        f"{ID}\n近期免冠照片（可电子照片）｜原件｜1",
        "《中华人民共和国社会保险法》",
        "social-security-card",
        visits=0,
    ),
    DemoMatter(
        "RSJ-SBK-02",
        "社会保障卡补换（即时制卡）",
        "social",
        "D-RSJ",
        "immediate",
        1,
        0,
        ID,
        "《中华人民共和国社会保险法》",
        "social-security-card",
        steps=QUICK,
    ),
    DemoMatter(
        "RSJ-YL-01",
        "城乡居民养老保险参保登记",
        "social",
        "D-RSJ",
        "immediate",
        5,
        0,
        f"{ID}\n{HUKOU}",
        "《中华人民共和国社会保险法》",
        "pension-payment",
        visits=0,
        steps=QUICK,
    ),
    DemoMatter(
        "RSJ-YL-02",
        "企业职工退休申请（养老金领取）",
        "social",
        "D-RSJ",
        "promised",
        20,
        10,
        f"{ID}\n职工档案｜原件｜1\n社会保障卡｜复印件｜1｜可复用｜RSJ-SBK-01",
        "《中华人民共和国社会保险法》",
        "pension-retirement",
    ),
    DemoMatter(
        "RSJ-SY-01",
        "失业保险金申领",
        "social",
        "D-RSJ",
        "promised",
        20,
        5,
        f"{ID}\n解除或终止劳动合同证明｜复印件｜1\n社会保障卡｜复印件｜1｜可复用｜RSJ-SBK-01",
        "《失业保险条例》",
        "unemployment-registration",
        visits=0,
    ),
    DemoMatter(
        "RSJ-JY-01",
        "就业困难人员社保补贴申领",
        "social",
        "D-RSJ",
        "promised",
        20,
        10,
        f"{ID}\n就业困难人员认定材料｜复印件｜1\n缴费凭证｜复印件｜1",
        "《中华人民共和国就业促进法》",
        "employment-subsidy",
    ),
    DemoMatter(
        "RSJ-CY-01",
        "创业担保贷款申请",
        "social",
        "D-RSJ",
        "promised",
        30,
        15,
        f"{ID}\n{LICENCE}\n创业计划书｜原件｜1",
        "《中华人民共和国就业促进法》",
        "startup-loan",
        steps="承办人审核｜承办人\n实地核查｜承办人\n负责人审批｜负责人",
    ),
    # 医保
    DemoMatter(
        "YBJ-CB-01",
        "城乡居民基本医疗保险参保登记",
        "medical",
        "D-YBJ",
        "immediate",
        5,
        0,
        f"{ID}\n{HUKOU}",
        "《中华人民共和国社会保险法》",
        "medical-insurance-enroll",
        visits=0,
        steps=QUICK,
    ),
    DemoMatter(
        "YBJ-BX-01",
        "医疗费用手工报销",
        "medical",
        "D-YBJ",
        "promised",
        30,
        10,
        f"{ID}\n医疗费用发票｜原件｜1\n费用明细清单｜原件｜1\n出院小结｜复印件｜1\n社会保障卡｜复印件｜1｜可复用｜RSJ-SBK-01",
        "《中华人民共和国社会保险法》",
        "medical-reimbursement",
    ),
    DemoMatter(
        "YBJ-YD-01",
        "异地就医备案",
        "medical",
        "D-YBJ",
        "immediate",
        1,
        0,
        f"{ID}\n异地居住或转诊证明｜原件｜1",
        "《中华人民共和国社会保险法》",
        "medical-out-of-town",
        visits=0,
        steps=QUICK,
    ),
    # 公积金
    DemoMatter(
        "ZJJ-GJJ-01",
        "住房公积金提取（购房）",
        "fund",
        "D-ZJJ",
        "promised",
        3,
        1,
        f"{ID}\n购房合同或不动产权证书｜复印件｜1｜可复用｜ZRZY-BDC-01\n本人银行卡｜复印件｜1",
        "《住房公积金管理条例》",
        "housing-fund-withdrawal",
        visits=0,
    ),
    DemoMatter(
        "ZJJ-GJJ-02",
        "住房公积金提取（租房）",
        "fund",
        "D-ZJJ",
        "immediate",
        3,
        0,
        f"{ID}\n本人银行卡｜复印件｜1",
        "《住房公积金管理条例》",
        "housing-fund-withdrawal",
        visits=0,
        steps=QUICK,
    ),
    DemoMatter(
        "ZJJ-GJJ-03",
        "单位住房公积金缴存登记",
        "fund",
        "D-ZJJ",
        "promised",
        5,
        2,
        f"{LICENCE}\n经办人居民身份证｜复印件｜1",
        "《住房公积金管理条例》",
        "housing-fund-withdrawal",
    ),
    # 不动产
    DemoMatter(
        "ZRZY-BDC-01",
        "国有建设用地使用权及房屋所有权转移登记",
        "estate",
        "D-ZRZY",
        "promised",
        30,
        5,
        f"{ID}\n不动产权证书｜原件｜1\n房屋买卖合同｜原件｜1\n完税凭证｜复印件｜1",
        "《不动产登记暂行条例》",
        "real-estate-registration",
        fee="按规定收取登记费",
    ),
    DemoMatter(
        "ZRZY-BDC-02",
        "不动产抵押登记",
        "estate",
        "D-ZRZY",
        "promised",
        30,
        3,
        f"{ID}\n不动产权证书｜原件｜1\n抵押合同｜原件｜1\n主债权合同｜复印件｜1",
        "《不动产登记暂行条例》",
        "real-estate-registration",
        fee="按规定收取登记费",
    ),
    DemoMatter(
        "ZRZY-BDC-03",
        "不动产登记资料查询",
        "estate",
        "D-ZRZY",
        "immediate",
        1,
        0,
        ID,
        "《不动产登记资料查询暂行办法》",
        "real-estate-registration",
        steps=QUICK,
    ),
    DemoMatter(
        "NYJ-JF-01",
        "农村村民宅基地和建房（规划许可）审批",
        "building",
        "D-NYJ",
        "promised",
        30,
        15,
        f"{ID}\n{HUKOU}\n农村宅基地和建房（规划许可）申请表｜原件｜1\n村民小组会议记录｜原件｜1",
        "《中华人民共和国土地管理法》",
        "rural-house-building",
        steps="承办人审核｜承办人\n实地踏勘｜承办人\n负责人审批｜负责人",
    ),
    # 市场准入
    DemoMatter(
        "SCJ-QYSL-01",
        "企业设立登记（营业执照）",
        "market",
        "D-SCJ",
        "promised",
        15,
        1,
        "公司登记（备案）申请书｜原件｜1\n公司章程｜原件｜1\n股东主体资格证明｜复印件｜1\n住所使用证明｜复印件｜1",
        "《中华人民共和国市场主体登记管理条例》",
        "business-licence",
        visits=0,
    ),
    DemoMatter(
        "SCJ-GT-01",
        "个体工商户设立登记",
        "market",
        "D-SCJ",
        "immediate",
        15,
        0,
        f"{ID}\n经营场所使用证明｜复印件｜1",
        "《促进个体工商户发展条例》",
        "individual-business",
        visits=0,
        steps=QUICK,
    ),
    DemoMatter(
        "SCJ-SP-01",
        "食品经营许可",
        "market",
        "D-SCJ",
        "promised",
        20,
        5,
        f"食品经营许可申请书｜原件｜1\n{LICENCE}\n与食品经营相适应的场所平面图｜原件｜1\n食品安全管理制度｜原件｜1",
        "《中华人民共和国食品安全法》",
        "food-business-permit",
        steps="承办人审核｜承办人\n现场核查｜承办人\n负责人审批｜负责人",
    ),
    DemoMatter(
        "GAJ-YZ-01",
        "公章刻制备案",
        "market",
        "D-GAJ",
        "immediate",
        1,
        0,
        f"{LICENCE}\n法定代表人居民身份证｜复印件｜1",
        "《印铸刻字业暂行管理规则》",
        "business-licence",
        visits=0,
        steps=QUICK,
    ),
    DemoMatter(
        "SWUJ-FP-01",
        "新办纳税人发票申领",
        "tax",
        "D-SWUJ",
        "immediate",
        1,
        0,
        f"{LICENCE}\n办税人员居民身份证｜复印件｜1",
        "《中华人民共和国发票管理办法》",
        "tax-registration-invoice",
        visits=0,
        steps=QUICK,
    ),
    DemoMatter(
        "SWUJ-DJ-01",
        "税务登记信息确认",
        "tax",
        "D-SWUJ",
        "immediate",
        1,
        0,
        LICENCE,
        "《中华人民共和国税收征收管理法》",
        "tax-registration-invoice",
        visits=0,
        steps=QUICK,
    ),
    DemoMatter(
        "RSJ-DW-01",
        "单位社会保险参保登记",
        "social",
        "D-RSJ",
        "immediate",
        5,
        0,
        f"{LICENCE}\n经办人居民身份证｜复印件｜1",
        "《中华人民共和国社会保险法》",
        "flexible-employment-insurance",
        visits=0,
        steps=QUICK,
    ),
    # 建设审批
    DemoMatter(
        "ZJJ-SG-01",
        "建筑工程施工许可证核发",
        "building",
        "D-ZJJ",
        "promised",
        15,
        3,
        f"建筑工程施工许可申请表｜原件｜1\n{LICENCE}\n建设工程规划许可证｜复印件｜1｜可复用｜ZRZY-GH-01\n施工合同｜复印件｜1",
        "《中华人民共和国建筑法》",
        fee="不收费",
        steps="承办人审核｜承办人\n科室复核｜承办人\n负责人审批｜负责人",
    ),
    DemoMatter(
        "ZRZY-GH-01",
        "建设工程规划许可证核发",
        "building",
        "D-ZRZY",
        "promised",
        20,
        10,
        f"建设工程规划许可申请表｜原件｜1\n{LICENCE}\n建设工程设计方案｜原件｜1\n土地权属证明｜复印件｜1",
        "《中华人民共和国城乡规划法》",
        online=True,
        steps="承办人审核｜承办人\n方案审查｜承办人\n负责人审批｜负责人",
    ),
    DemoMatter(
        "ZJJ-YS-01",
        "房屋建筑和市政基础设施工程竣工验收备案",
        "building",
        "D-ZJJ",
        "promised",
        15,
        5,
        f"竣工验收备案表｜原件｜1\n{LICENCE}\n工程竣工验收报告｜原件｜1",
        "《建设工程质量管理条例》",
    ),
    # 教育
    DemoMatter(
        "JYJ-RX-01",
        "义务教育阶段新生入学登记",
        "education",
        "D-JYJ",
        "promised",
        20,
        10,
        f"{HUKOU}\n房屋产权证明或居住证｜复印件｜1｜可复用｜ZRZY-BDC-01\n儿童预防接种证｜复印件｜1",
        "《中华人民共和国义务教育法》",
        "school-enrolment",
        visits=0,
    ),
    DemoMatter(
        "JYJ-ZZ-01",
        "家庭经济困难学生资助申请",
        "education",
        "D-JYJ",
        "promised",
        30,
        15,
        f"{ID}\n家庭经济困难学生认定申请表｜原件｜1",
        "《中华人民共和国教育法》",
        "student-aid",
    ),
    DemoMatter(
        "JYJ-JS-01",
        "教师资格认定",
        "education",
        "D-JYJ",
        "promised",
        30,
        20,
        f"{ID}\n学历证书｜原件｜1\n普通话水平测试等级证书｜原件｜1\n体检合格证明｜原件｜1",
        "《中华人民共和国教师法》",
    ),
    # 卫健
    DemoMatter(
        "WJJ-CS-01",
        "出生医学证明签发",
        "health",
        "D-WJJ",
        "promised",
        20,
        3,
        "父母居民身份证｜原件｜1｜可复用\n分娩记录（助产机构出具）｜原件｜1",
        "《中华人民共和国母婴保健法》",
        "newborn-hukou",
    ),
    # 民政
    DemoMatter(
        "MZJ-HY-01",
        "内地居民结婚登记",
        "civil",
        "D-MZJ",
        "immediate",
        1,
        0,
        "双方居民身份证｜原件｜1\n双方居民户口簿｜原件｜1\n双方近期半身免冠合影照片｜原件｜2",
        "《婚姻登记条例》",
        "marriage-registration",
        online=False,
        steps=QUICK,
    ),
    DemoMatter(
        "MZJ-DB-01",
        "最低生活保障申请",
        "civil",
        "D-MZJ",
        "promised",
        30,
        20,
        f"{ID}\n{HUKOU}\n家庭经济状况核对授权书｜原件｜1",
        "《社会救助暂行办法》",
        "minimum-living-allowance",
        steps="承办人审核｜承办人\n入户调查｜承办人\n负责人审批｜负责人",
    ),
    DemoMatter(
        "MZJ-GL-01",
        "高龄津贴申领",
        "civil",
        "D-MZJ",
        "promised",
        20,
        10,
        f"{ID}\n{HUKOU}\n本人银行卡｜复印件｜1",
        "《中华人民共和国老年人权益保障法》",
        "old-age-allowance",
        visits=0,
    ),
    DemoMatter(
        "MZJ-LNZ-01",
        "老年人优待证办理",
        "civil",
        "D-MZJ",
        "immediate",
        5,
        0,
        f"{ID}\n近期免冠照片｜原件｜1",
        "《中华人民共和国老年人权益保障法》",
        "senior-card",
        steps=QUICK,
    ),
    DemoMatter(
        "CL-CJZ-01",
        "残疾人证新办",
        "civil",
        "D-CL",
        "promised",
        30,
        15,
        f"{ID}\n{HUKOU}\n残疾评定表｜原件｜1",
        "《中华人民共和国残疾人保障法》",
        "disability-card",
    ),
    DemoMatter(
        "TYJ-YDZ-01",
        "退役军人优待证申领",
        "civil",
        "D-TYJ",
        "promised",
        30,
        10,
        f"{ID}\n退役证件｜复印件｜1",
        "《中华人民共和国退役军人保障法》",
        "veteran-card",
    ),
)


@dataclass(frozen=True)
class DemoBundle:
    code: str
    name: str
    description: str
    parts: tuple[tuple[str, int], ...]  # (matter code, stage)


BUNDLES: tuple[DemoBundle, ...] = (
    DemoBundle(
        "newborn",
        "新生儿出生一件事",
        "出生医学证明、户口登记、医保参保、社保卡申领，一次申请、一表填报；出生医学证明签发后，其余事项并联办理。",
        (("WJJ-CS-01", 1), ("GAJ-HJ-01", 2), ("YBJ-CB-01", 2), ("RSJ-SBK-01", 2)),
    ),
    DemoBundle(
        "open-business",
        "开办企业一件事",
        "营业执照、公章刻制、发票申领、单位社保参保、公积金缴存登记，一表申请；领取营业执照后其余事项并联办理。",
        (("SCJ-QYSL-01", 1), ("GAJ-YZ-01", 2), ("SWUJ-FP-01", 2), ("RSJ-DW-01", 2), ("ZJJ-GJJ-03", 2)),
    ),
)


# The matters' own form fields (affairs.formfields lines:
# 键｜标签｜类型｜必填或选填（、个人信息）｜选项｜说明).
# A key shared by the parts of a package means the same question in each (one definition), so the
# package's form asks it once: the catalogue's review refuses two definitions of one key.
BABY = (
    "baby_name｜新生儿姓名｜文本｜必填、个人信息\n"
    "baby_gender｜新生儿性别｜选项｜必填｜男、女\n"
    "birth_date｜出生日期｜日期｜必填"
)
PARENTS = (
    "mother_name｜母亲姓名｜文本｜必填、个人信息\n"
    "mother_id｜母亲身份证号｜身份证号｜必填\n"
    "father_name｜父亲姓名｜文本｜选填、个人信息\n"
    "father_id｜父亲身份证号｜身份证号｜选填"
)
GUARDIAN_PHONE = "guardian_phone｜监护人手机号｜电话｜必填｜｜用于接收社保卡、医保办理短信"
COMPANY = "company_name｜企业名称｜文本｜必填｜｜与名称自主申报结果一致"
CONTACT = "contact_phone｜企业联系人电话｜电话｜必填"
LEGAL_REP = "legal_rep_name｜法定代表人姓名｜文本｜必填、个人信息"

FIELDS: dict[str, str] = {
    # 新生儿出生一件事
    "WJJ-CS-01": f"{BABY}\nbirth_hospital｜出生医院｜文本｜必填｜｜如：钟祥市人民医院\n"
    f"birth_weight｜出生体重（克）｜数字｜选填\n{PARENTS}",
    "GAJ-HJ-01": f"{BABY}\n{PARENTS}\n"
    "hukou_address｜申报落户地址｜文本｜必填｜｜随父或随母落户的户籍地址\n"
    "hukou_with｜随父或随母落户｜选项｜必填｜随父、随母",
    "YBJ-CB-01": f"{BABY}\n{GUARDIAN_PHONE}",
    "RSJ-SBK-01": f"{BABY}\n{GUARDIAN_PHONE}\ncard_delivery｜社保卡领取方式｜选项｜必填｜窗口领取、邮寄到家",
    # 开办企业一件事
    "SCJ-QYSL-01": f"{COMPANY}\n"
    "company_type｜企业类型｜选项｜必填｜有限责任公司、个人独资企业、合伙企业\n"
    "registered_capital｜注册资本（万元）｜数字｜必填｜｜认缴出资额，人民币万元\n"
    "business_scope｜经营范围｜文本｜必填｜｜按经营范围规范表述填写\n"
    "company_address｜住所（经营场所）｜文本｜必填\n"
    f"{LEGAL_REP}\nlegal_rep_id｜法定代表人身份证号｜身份证号｜必填\n{CONTACT}",
    "GAJ-YZ-01": f"{COMPANY}\n{LEGAL_REP}\n"
    "seal_set｜刻制印章｜选项｜必填｜公章、公章及财务专用章、全套（公章、财务、发票、合同专用章）",
    "SWUJ-FP-01": f"{COMPANY}\n"
    f"invoice_kind｜申领发票种类｜选项｜必填｜数电普通发票、数电增值税专用发票\n{CONTACT}",
    "RSJ-DW-01": f"{COMPANY}\nstaff_count｜参保职工人数｜数字｜必填\n{CONTACT}",
    "ZJJ-GJJ-03": f"{COMPANY}\nstaff_count｜参保职工人数｜数字｜必填\n"
    f"deposit_rate｜缴存比例｜选项｜必填｜5%、8%、12%\n{CONTACT}",
    # A few others
    "GAJ-HJ-02": "move_to_address｜迁入地址｜文本｜必填\n"
    "move_reason｜迁移原因｜选项｜必填｜购房、投靠亲属、工作调动、其他",
    "MZJ-DB-01": "household_size｜家庭共同生活人数｜数字｜必填\n"
    "monthly_income｜家庭月总收入（元）｜数字｜必填｜｜近 6 个月平均\n"
    "hardship｜困难原因｜选项｜必填｜疾病、残疾、缺乏劳动能力、其他",
    "MZJ-HY-01": "spouse_name｜对方姓名｜文本｜必填、个人信息\nspouse_id｜对方身份证号｜身份证号｜必填\n"
    "wedding_date｜预约登记日期｜日期｜选填",
}
