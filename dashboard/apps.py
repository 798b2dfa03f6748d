from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "领导首页与数据大屏"

    def ready(self) -> None:
        from accounts.homes import register_home
        from accounts.models import Role

        # A 市领导's first question is how the city stands, not a queue of late cases; a unit's
        # leader asks the same of the unit, against the city (issue 11). Approving replies is a
        # unit leader's daily work, so their home leads with the 待审核 count and its link.
        register_home(Role.LEADER, "dashboard:home")
        register_home(Role.UNIT_LEADER, "dashboard:home")
