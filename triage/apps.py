from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "智能分拣"

    def ready(self) -> None:
        # Triage builds on the case loop, never the other way round: it subscribes to the loop's
        # hooks and answers its question for the triage's advice.
        from cases import hooks
        from triage import amend, rules, services

        hooks.case_registered.connect(services.on_case_registered)
        hooks.case_dispatched.connect(services.on_case_dispatched)
        hooks.triage_advice.provide(services.latest_suggestion)
        hooks.triage_pending.provide(services.triage_pending)
        # The warning while an agent registers a request: its likely duplicates among open cases.
        from triage import dupindex

        hooks.possible_duplicates.provide(dupindex.possible_duplicates)
        # The 退单/异议 workflow's questions and news (guarded: they arrived in cases.hooks with
        # that workflow, and triage must not break a tree that lacks them).
        if hasattr(hooks, "redispatch_advice"):
            hooks.redispatch_advice.provide(rules.redispatch_advice)
        if hasattr(hooks, "dispute_ruled"):
            hooks.dispute_ruled.connect(amend.on_dispute_ruled)
        # The reply checks before a leader approves an answer (triage/replyquality.py), with the
        # corpus statistics cached under var/ (built by `mochou triage evaluate-replies`).
        from pathlib import Path

        from django.conf import settings

        from mochou.datasets import REPLIES_FULL_CSV
        from triage import replyquality

        replyquality.configure(REPLIES_FULL_CSV, Path(settings.VAR_DIR) / "triage")
        hooks.reply_checks.provide(replyquality.case_checks)
