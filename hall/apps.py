from django.apps import AppConfig


def _sees_hall(user: object) -> bool:
    from hall.access import is_hall_staff

    return is_hall_staff(user)


class HallConfig(AppConfig):
    name = "hall"
    verbose_name = "莫愁政务大厅"

    def ready(self) -> None:
        from affairs.statistics import hall_visits
        from hall.visits import visit_days
        from mochou.nav import register_link

        register_link("政务大厅", "hall:desk", element_id="nav-hall", visible=_sees_hall, order=61)
        hall_visits.provide(visit_days)
