from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "店小二·企业诉求"

    def ready(self) -> None:
        from enterprises.squad.views import shows_link
        from mochou.nav import register_link

        register_link("小分队", "enterprises:squad", element_id="nav-squad", visible=shows_link, order=65)
