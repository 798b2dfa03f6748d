from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = "招商引资"

    def ready(self) -> None:
        from investment import providers
        from investment.access import shows_link
        from mochou.nav import register_link

        register_link(
            "招商项目", "investment:list", element_id="nav-investment", visible=shows_link, order=60
        )
        providers.connect()
