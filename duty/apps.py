from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = "24小时应急值班"
