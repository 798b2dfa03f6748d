from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "城乡控违"

    def ready(self) -> None:
        from enforcement import providers
        from mochou.nav import register_link

        providers.connect()

        def sees(user: object) -> bool:
            from enforcement.guards import is_office

            role = getattr(user, "role", "")
            if role in ("leader", "supervisor", "admin"):
                return True
            unit = getattr(user, "unit", None)
            # The office and the townships handle violations; other departments do not.
            return (
                role in ("clerk", "unit_leader")
                and unit is not None
                and (
                    unit.kind in ("township", "village") or is_office(user)  # type: ignore[arg-type]
                )
            )

        register_link("控违", "enforcement:index", element_id="nav-enforcement", visible=sees, order=40)
