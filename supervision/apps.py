from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        # The case loop asks its questions of this app through cases.hooks (cases imports
        # nothing from here): who issues a 督办单, what the case page shows of them, which
        # cases a user's 督办件 queue holds.
        from supervision import providers

        providers.connect()
