from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # Logins, failed logins and logouts are recorded from Django's own auth signals, so every
        # way in (the login page, the admin's login) is covered by one hook.
        from audit import signals

        signals.connect()
        from accounts.homes import register_home
        from accounts.models import Role

        register_home(Role.AUDITOR, "audit:list")
