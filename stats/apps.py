from django.apps import AppConfig


class StatsConfig(AppConfig):
    """统计考核: the rates, the scoring schemes, the case ledger (台账) and the monthly report.

    Read-only over the case loop: it imports cases, never the reverse, and counts from the
    event log (stats.facts folds it; stats.build keeps the fact tables in step with it)."""

    name = "stats"
    verbose_name = "统计考核"
