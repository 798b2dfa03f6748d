from django.apps import AppConfig


class MochouConfig(AppConfig):
    name = "mochou"
    verbose_name = "莫愁"
