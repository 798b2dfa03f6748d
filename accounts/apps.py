from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号、权限与审计"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import on_login

        user_logged_in.connect(on_login, dispatch_uid="accounts.session_seen")

        # The audit log (accounts.audit): logins, failed logins and logouts from Django's own auth
        # signals, so every way in (the login page, the admin's login) is covered by one hook.
        from accounts.audit import signals
        from accounts.homes import register_home
        from accounts.models import Role

        signals.connect()
        register_home(Role.AUDITOR, "audit:list")
