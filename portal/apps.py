from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "市民诉求页面"
