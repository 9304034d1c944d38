from django.contrib import admin

from core.models import Bureau, JudicialOffice, Policy, Region, Role

# The admin is for superusers, who browse every region (the middleware lifts
# tenancy for them on admin pages only).
admin.site.register(Region, search_fields=["code", "name"], list_display=["code", "name", "level"])
admin.site.register(Bureau, list_display=["name", "level", "region"])
admin.site.register(JudicialOffice, list_display=["name", "bureau", "region"])
admin.site.register(
    Role, list_display=["user", "kind", "bureau", "office", "ended_at"], raw_id_fields=["user"]
)
admin.site.register(Policy, list_display=["bureau", "key", "updated_at"])


def _superusers_only(request):
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
