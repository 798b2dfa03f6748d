from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        # The case loop asks its questions of this app through cases.hooks (cases imports
        # nothing from here): who issues a 督办单, what the case page shows of them, which
        # cases a user's 督办件 queue holds.
        from mochou.nav import register_link
        from supervision import providers
        from supervision.views.tasks import may_view_tasks

        providers.connect()
        # 督查督办 (decision tasks, 八大计划) for the 督查室, the city's leaders and the units
        # that lead or help with a task.
        register_link(
            "督查督办",
            "supervision:cockpit",
            element_id="nav-supervision-tasks",
            visible=may_view_tasks,
            order=60,
        )
