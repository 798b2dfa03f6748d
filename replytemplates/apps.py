from django.apps import AppConfig


class ReplyTemplatesConfig(AppConfig):
    name = "replytemplates"
    verbose_name = "常用答复模板"

    def ready(self) -> None:
        # Above the case loop: it offers templates to the reply form, counts the replies drafted
        # from them, and words the loop's SMS — all through the loop's hooks, never imported by it.
        from cases import hooks
        from notifications.texts import use_wording
        from replytemplates.ranking import offered_templates
        from replytemplates.services import record_use
        from replytemplates.wording import sms_wording

        hooks.reply_templates.provide(offered_templates)
        hooks.case_reply_submitted.connect(record_use)
        use_wording(sms_wording)
