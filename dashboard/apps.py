from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "领导首页与数据大屏"

    def ready(self) -> None:
        from accounts.homes import register_home
        from accounts.models import Role

        # A 市领导's first question is how the city stands, not a queue of late cases. A unit's
        # leader keeps landing on 待审核 (approving replies is their daily work); their unit's
        # overview is one click away in the top bar.
        register_home(Role.LEADER, "dashboard:home")
