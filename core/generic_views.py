"""Base class views every app's pages stand on: list with FilterSet, sorting and
pagination; detail with the audit trail; create/edit with field errors beside the
fields. A model's page is a few lines on top of these (NetBox style)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import generic
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from core import history
from core.jurisdiction import require_role


class RoleRequiredMixin(LoginRequiredMixin):
    """Pages need an active role; writes need one of ``write_roles`` (default: any
    role that may write)."""

    write_roles = None
    requires_write = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        role = require_role(request)
        writing = self.requires_write or request.method not in ("GET", "HEAD", "OPTIONS")
        if writing and not role.may_write(self.write_roles):
            raise PermissionDenied(_("Your active role may not do this."))
        return super().dispatch(request, *args, **kwargs)


def ordering(sort: str) -> tuple[str, ...]:
    """*sort* with the primary key as tiebreak, running the same way: a page is then
    the first rows of one index on (key, id), read forwards or backwards, instead of a
    sort of the whole jurisdiction (each model indexes its lists' default keys)."""
    direction = "-" if sort.startswith("-") else ""
    return (sort,) if sort.lstrip("-") in ("pk", "id") else (sort, direction + "pk")


class TenantListView(RoleRequiredMixin, generic.ListView):
    """A dense, filtered, sortable, paginated table."""

    filterset_class = None
    paginate_by = 50
    sort_fields: dict[str, str] = {}
    default_sort = "-pk"

    def get_queryset(self):
        queryset = super().get_queryset()
        # Always bound, as DRF's filter backend binds it, so a FilterSet's defaults
        # (e.g. "active only") apply to the page and the API alike.
        self.filterset = self.filterset_class(self.filter_data(), queryset=queryset)
        queryset = self.filterset.qs
        sort = self.request.GET.get("sort", "")
        order = self.sort_fields.get(sort.lstrip("-"))
        if order:
            queryset = queryset.order_by(*ordering(("-" if sort.startswith("-") else "") + order))
        else:
            queryset = queryset.order_by(*ordering(self.default_sort))
        return queryset

    def filter_data(self):
        """What the FilterSet binds: the query string (a page may add its defaults)."""
        return self.request.GET

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        # Sort links keep the filters the user set.
        query.pop("sort", None)
        context["sort_query"] = query.urlencode()
        context["sort"] = self.request.GET.get("sort", "")
        return context


class TenantDetailView(RoleRequiredMixin, generic.DetailView):
    """A record with its change history (core.history, one page of it). Foreign
    objects are not in the scoped queryset, so they answer 404 like missing ones."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(history.context(self.request, self.object))
        return context


class TenantWriteMixin(RoleRequiredMixin):
    requires_write = True
    success_message = ""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            # Re-check the stored row inside the transaction, through the scoped
            # manager: a value the form derived must not have carried the row out of
            # the jurisdiction.
            if not type(self.object)._default_manager.filter(pk=self.object.pk).exists():
                transaction.set_rollback(True)
                form.add_error(None, _("This is outside your jurisdiction."))
                return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return response


class TenantCreateView(TenantWriteMixin, generic.CreateView):
    template_name = "core/form.html"


class TenantUpdateView(TenantWriteMixin, generic.UpdateView):
    """Edit a stored row. Its primary key and region (the model's
    ``fields_fixed_once_stored``) are shown but disabled: the form ignores whatever a
    request posts for them and keeps the stored values."""

    template_name = "core/form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for name in type(self.object).fields_fixed_once_stored() & set(form.fields):
            form.fields[name].disabled = True
            form.fields[name].help_text = _(
                "Set when the record was created; it cannot be changed."
            )
        return form

    def dispatch(self, request, *args, **kwargs):
        # Look the object up before the role check, so a foreign object is a 404 for
        # every role rather than a 403 that would confirm it exists.
        if request.user.is_authenticated:
            self.get_object()
        return super().dispatch(request, *args, **kwargs)


class ObjectFormView(RoleRequiredMixin, SingleObjectMixin, FormView):
    """A form that acts on one object through a service (deregister, add a term,
    appoint, end a post). The object is looked up first, so a foreign one is a 404
    for every role; then the role must be one that writes."""

    requires_write = True
    template_name = "core/form.html"
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_role(request)
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.get_title())
        return super().get_context_data(**kwargs)

    def get_title(self):
        raise NotImplementedError

    def perform(self, data):
        """Run the service; return the object to show afterwards."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            shown = self.perform(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.url_after(shown))

    def url_after(self, shown):
        """Where the user lands once the service has run."""
        return shown.get_absolute_url()


def for_model(model):
    """Declare which model a function view's ``pk`` names, so the isolation tests
    can find a foreign object to request through it."""

    def decorator(view):
        view.model = model
        return view

    return decorator


def see_other(url):
    """303 See Other after a POST: the browser fetches *url* with GET, so refreshing
    the page it lands on repeats the GET, never the POST."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response
