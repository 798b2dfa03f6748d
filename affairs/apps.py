from django.apps import AppConfig


class AffairsConfig(AppConfig):
    name = "affairs"
    verbose_name = "一网通办"
