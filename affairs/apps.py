from django.apps import AppConfig


def _sees_affairs(user: object) -> bool:
    from affairs.office import is_office_staff

    return is_office_staff(user) or bool(getattr(user, "is_unit_staff", False))


class AffairsConfig(AppConfig):
    name = "affairs"
    verbose_name = "一网通办"

    def ready(self) -> None:
        from mochou.nav import register_link

        register_link("一网通办", "affairs:queue", element_id="nav-affairs", visible=_sees_affairs, order=60)
        from affairs import providers

        providers.connect()
