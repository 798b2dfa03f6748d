"""Units as a tree: the 12345 centre, the city's departments, townships, villages/communities."""

from __future__ import annotations

from django.db import models


class UnitKind(models.TextChoices):
    CENTRE = "centre", "12345热线中心"
    DEPARTMENT = "department", "市直部门"
    TOWNSHIP = "township", "乡镇场库"
    VILLAGE = "village", "村/社区"
    EXTERNAL = "external", "外地平台"


# The kinds of unit the centre dispatches a case to (Unit.objects.handlers, the dispatch verbs and
# the API's unit check): one list. Villages take their work from their township.
HANDLER_KINDS: tuple[str, ...] = (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def handlers(self) -> UnitQuerySet:
        """Units a case can be dispatched to: the city's departments and its 31 township-level
        units. A village or community (574 of them in 钟祥) takes its work from its township, not
        from the centre, so it is not offered in the centre's lists; it is still a unit of the
        tree (its township's staff see it, enforcement records it, stats count it to its township)."""
        return self.active().filter(kind__in=HANDLER_KINDS)

    def townships(self) -> UnitQuerySet:
        return self.active().filter(kind=UnitKind.TOWNSHIP)


class Unit(models.Model):
    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类别", max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division_code = models.CharField(
        "区划代码", max_length=12, blank=True, help_text="国家统计局统计用区划代码"
    )
    phone = models.CharField("联系电话", max_length=32, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "sort_order", "code"]
        indexes = [models.Index(fields=["kind", "is_active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def descendant_ids(self) -> list[int]:
        """This unit and every unit below it (the tree is shallow: at most three levels)."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids
