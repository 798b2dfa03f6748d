from django.apps import AppConfig


class HotspotsConfig(AppConfig):
    name = "hotspots"
    verbose_name = "高频事"

    def ready(self) -> None:
        # The case page asks this app, through cases.hooks, for the hotspots a case is in and
        # the results of the proactive tasks taken up on them (cases imports nothing from here).
        from hotspots import providers

        providers.connect()
        # The monthly report of the stats app lists the period's hotspots when this app is installed.
        from django.apps import apps

        if apps.is_installed("stats"):
            from hotspots.report import period_hotspots
            from stats.queries import register_hotspot_provider

            register_hotspot_provider(period_hotspots)
