"""OpenAPI schema generation that leaves the FilterSets as it found them.

drf-spectacular's django-filter extension reads a FilterSet's class-level
``base_filters`` and asks each filter for its form field. django-filter builds that
field on first access and keeps it on the filter, and every FilterSet made later
deep-copies ``base_filters``, kept field included. A field built on a class-level
filter has no model to take its label from (FilterSet.__init__ sets it on the
copies), so after one schema request every list page's filter form labelled its
fields with their English names (Status, Result, Kind...) until the server
restarted. This extension reads the filters of a FilterSet instance instead: its
own copies, with the model set, thrown away with it.
"""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import add_trace_message
from drf_spectacular.plumbing import get_manager, get_view_model


class InstanceFilterExtension(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own, which targets the same backend

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        model = get_view_model(auto_schema.view)
        if not model:
            return []
        queryset = get_manager(model).none()
        filterset_class = self.target.get_filterset_class(auto_schema.view, queryset)
        if not filterset_class:
            return []
        filterset = filterset_class(queryset=queryset, request=auto_schema.view.request)
        result = []
        with add_trace_message(filterset_class):
            for field_name, filter_field in filterset.filters.items():
                result += self.resolve_filter_field(
                    auto_schema, model, filterset_class, field_name, filter_field
                )
        return result
