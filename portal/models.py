"""Photos that citizens attach to their requests on the mobile page."""

from __future__ import annotations

from django.db import models


class Attachment(models.Model):
    """One photo of a case. The file lives under MEDIA_ROOT/case-photos/ with a random name and
    is served only through portal.views.photo, to staff who may see the case. It holds the pixels
    re-encoded without any metadata (mochou.images), never the bytes the citizen uploaded."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attachments")
    path = models.CharField("存储路径", max_length=200, unique=True)  # relative to case-photos/
    # A small JPEG for the pages that list photos; empty for photos stored before thumbnails.
    thumbnail_path = models.CharField("缩略图路径", max_length=200, blank=True, default="")
    content_type = models.CharField("类型", max_length=20)
    size = models.PositiveIntegerField("大小(字节)")
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    sha256 = models.CharField(max_length=64)  # of the stored (clean) file
    created_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "诉求照片"
        verbose_name_plural = "诉求照片"
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} 照片 {self.pk}"
