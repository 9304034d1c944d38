from django.db import models
from django.utils.translation import gettext_lazy as _


class DisputeType(models.Model):
    """The maintained list of dispute categories (monthly-report types: 婚姻家庭, 邻里,
    房屋宅基地 …). Reference data shared by every bureau; the operator edits it in the
    admin, and a retired type stays for the cases that used it."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("dispute type")
        verbose_name_plural = _("dispute types")

    def __str__(self):
        return self.name
