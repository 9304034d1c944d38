"""The API's ``/history/`` of a record: core.history's readable entries, the
recorded values beside their labels, one page at a time."""

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class HistoryPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class HistoryRoleSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Role kind, e.g. office_clerk.")
    kind_display = serializers.CharField()
    unit = serializers.CharField(help_text="The bureau or office the role belonged to.")


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The model field's name.")
    label = serializers.CharField(help_text="The field's label, as the pages show it.")
    old = serializers.JSONField(
        allow_null=True,
        help_text="The recorded value: a primary key for a related object; masked for a "
        "personal number; a list of names for a many-to-many change.",
    )
    new = serializers.JSONField(allow_null=True)
    old_display = serializers.CharField()
    new_display = serializers.CharField()
    operation = serializers.CharField(
        allow_blank=True, help_text='"add" or "remove" for a many-to-many change, else empty.'
    )


class HistoryEntrySerializer(serializers.Serializer):
    """One readable entry of core.history.Entry."""

    id = serializers.IntegerField()
    timestamp = serializers.DateTimeField(help_text="In the server's time zone (Asia/Shanghai).")
    time = serializers.CharField(help_text="Local time to the second, e.g. 2026-11-23 14:05:09.")
    action = serializers.ChoiceField(choices=["create", "update", "delete", "access"])
    action_display = serializers.CharField()
    actor = serializers.CharField(allow_null=True, help_text="Username; null for the system.")
    actor_name = serializers.CharField()
    role = HistoryRoleSerializer(allow_null=True, help_text="The role the actor acted in.")
    role_display = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    changes = HistoryChangeSerializer(many=True)
