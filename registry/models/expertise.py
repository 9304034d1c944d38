from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertiseField(models.Model):
    """A field of disputes (医疗, 交通, 婚姻家庭 …): the maintained list that mediators'
    expertise and industry/professional committees' fields come from. Reference data
    shared by every bureau, so it is not tenant-owned; the data migration loads the
    fields of seed 002 and the operator adds more in the admin."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("expertise field")
        verbose_name_plural = _("expertise fields")

    def __str__(self):
        return self.name
