from django.apps import AppConfig


class MochouConfig(AppConfig):
    name = "mochou"
    verbose_name = "莫愁"

    def ready(self) -> None:
        from mochou import checks  # noqa: F401  (registers the deployment checks)
