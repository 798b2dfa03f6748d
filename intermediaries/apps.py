from django.apps import AppConfig


class IntermediariesConfig(AppConfig):
    name = "intermediaries"
    verbose_name = "莫愁超市（中介服务超市）"

    def ready(self) -> None:
        from intermediaries.access import shows_link
        from mochou.nav import register_link

        register_link(
            "中介超市", "intermediaries:needs", element_id="nav-intermediaries", visible=shows_link, order=62
        )
