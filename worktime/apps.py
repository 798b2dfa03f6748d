from django.apps import AppConfig


class WorktimeConfig(AppConfig):
    name = "worktime"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from worktime import checks, signals  # noqa: F401  (registers checks and cache invalidation)
