"""The action codes of the audit log and their Chinese labels (the codes are open: an app may
record its own, shown by code until it is named here)."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "setting.add": "新增设置",
    "setting.change": "修改设置",
    "setting.delete": "删除设置",
    "setting.draft": "新建设置版本草稿",
    "setting.publish": "发布设置版本",
    "setting.close": "设置版本到期",
    "user.add": "新增用户",
    "user.change": "修改用户",
    "user.roles": "变更角色/权限",
    "user.delete": "删除用户",
    "user.password": "管理员重设密码",
    "group.add": "新增权限组",
    "group.change": "修改权限组",
    "group.delete": "删除权限组",
    "token.add": "新增 API 令牌",
    "token.change": "修改 API 令牌",
    "token.delete": "删除 API 令牌",
    "unit.add": "新增单位",
    "unit.change": "修改单位",
    "unit.delete": "删除单位",
    "rule.add": "新增派单规则",
    "rule.change": "修改派单规则",
    "rule.delete": "删除派单规则",
    "calendar.add": "新增日历日",
    "calendar.change": "修改工作日历",
    "calendar.delete": "删除日历日",
    "template.change": "修改答复模板",
    # Reviewed content (莫愁指南, 常用答复模板: loop.review), each step of its review.
    "content.created": "新建（指南/模板）",
    "content.edited": "修改（指南/模板）",
    "content.submitted": "提交审核（指南/模板）",
    "content.published": "审核发布（指南/模板）",
    "content.returned": "退回修改（指南/模板）",
    "content.archived": "归档（指南）",
    "content.retired": "停用（模板）",
    "content.imported": "导入（指南/模板）",
    "case.override": "强制修改已办结工单",
    "case.repin": "重新锁定工单时限",
    "login": "登录",
    "login.failed": "登录失败",
    "login.locked": "登录锁定",
    "password.change": "修改本人密码",
    "logout": "退出登录",
    "audit.export": "导出审计日志",
    "stats.export_ledger": "导出工单台账",
    "stats.export_report": "导出考核月报",
}


def label_of(action: str) -> str:
    return ACTIONS.get(action, action)
