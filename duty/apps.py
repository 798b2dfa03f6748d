from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = "24小时应急值班"

    def ready(self) -> None:
        from duty import providers
        from duty.access import may_use_duty
        from mochou.nav import register_link

        providers.connect()

        # Every reporting unit's staff use it daily (平安报), not only the office.
        register_link("应急值班", "duty:board", element_id="duty-link", visible=may_use_duty, order=40)
