"""Photos that citizens attach to their requests on the mobile page."""

from __future__ import annotations

from django.db import models


class Attachment(models.Model):
    """One photo of a case. The file lives under MEDIA_ROOT/case-photos/ with a random name and
    is served only through portal.views.photo, to staff who may see the case."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attachments")
    path = models.CharField("存储路径", max_length=200, unique=True)  # relative to case-photos/
    content_type = models.CharField("类型", max_length=20)
    size = models.PositiveIntegerField("大小(字节)")
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "诉求照片"
        verbose_name_plural = "诉求照片"
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} 照片 {self.pk}"
