from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "莫愁指南"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from knowledge.models import Guide
        from knowledge.search import clear_index

        # Any write to a guide in this process drops the search index at once; other processes
        # notice through the version stamp (knowledge/search.py).
        def _drop(**_kwargs: object) -> None:
            clear_index()

        post_save.connect(_drop, sender=Guide, dispatch_uid="knowledge.drop_index.save", weak=False)
        post_delete.connect(_drop, sender=Guide, dispatch_uid="knowledge.drop_index.delete", weak=False)
