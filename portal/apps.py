from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "市民诉求页面"

    def ready(self) -> None:
        # The loop's SMS carry the citizen's own link, which only the portal knows how to build.
        from cases import hooks
        from portal.links import rating_url

        hooks.citizen_link.provide(rating_url)
