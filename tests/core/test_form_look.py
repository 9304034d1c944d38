"""Every staff form looks the same (core.form_renderer): walk every page the URL
resolver knows, as the first user of unit "a" who may open it, and on each page that
shows a form (a create, edit or action form, or a list's filter panel) check

- every visible input, select and textarea carries its Bootstrap class;
- every required field's label has the red * and the hidden "必填";
- help text is linked to its input by aria-describedby;
- after a POST with a required field left empty, the errors sit beside their fields
  (``invalid-feedback``, ``is-invalid``, ``aria-invalid``) and what was typed into
  the other fields is still there.

A new form page joins by being routed.
"""

import re
from html.parser import HTMLParser

from django import forms
from django.forms.formsets import BaseFormSet
from django_filters import FilterSet

from tests.core.test_chinese_everywhere import _staff_urls

# Writers first: they see the forms readers do not.
ROLES = ["county_user", "clerk_user", "county_admin", "city_user", "admin_user"]
BOOTSTRAP = {"form-control", "form-select", "form-check-input"}
NOT_CONTROLS = {"hidden", "submit", "button", "reset", "image"}
# Typed into every text field of the invalid POST, looked for in the answer.
TYPED = "保留的输入"


class _Controls(HTMLParser):
    """The inputs, selects and textareas of the page's main part, with their attrs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.controls = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        control = tag in ("select", "textarea") or (
            tag == "input" and attributes.get("type") not in NOT_CONTROLS
        )
        if tag == "main":
            self.in_main += 1
        elif self.in_main and control:
            self.controls.append((tag, attributes))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1


def _controls(html):
    parser = _Controls()
    parser.feed(html)
    return parser.controls


def _forms_in(context):
    """The Django forms a page shows: its forms, its formsets' rows and its filters."""
    found = []
    # One template's context, or the list of every rendered template's.
    values = (
        context.flatten().values()
        if hasattr(context, "flatten")
        else (context[key] for key in context.keys())  # noqa: SIM118 - not a dict
    )
    for value in values:
        if isinstance(value, forms.BaseForm):
            found.append(value)
        elif isinstance(value, BaseFormSet):
            found += [*value.forms, value.empty_form]
        elif isinstance(value, FilterSet):
            found.append(value.form)
    return list({id(form): form for form in found}.values())


def _form_pages(client, world, objects):
    """(url, response, its forms) of every page that shows a form, as the first role
    that may open it."""
    for url in _staff_urls(objects["a"]):
        for role in ROLES:
            client.force_login(world["a"][role])
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            shown = _forms_in(response.context)
            if shown:
                yield url, response, shown
            break


def _tag_with_id(html, id_):
    match = re.search(
        rf'<(input|select|textarea|fieldset)\b[^>]*\bid="{re.escape(id_)}"[^>]*>', html
    )
    return match.group(0) if match else ""


def _first_of_group(html, field):
    """Where the group's first input is: a choice's ``<id>_0``, a rule table's
    ``<id>-<row>``."""
    match = re.search(rf'id="{re.escape(field.auto_id)}[_-]', html)
    return match.start() if match else -1


def _label_of(html, field):
    """The label (or, for a group of choices, the legend) the page gives *field*."""
    if field.layout == "group":
        first_option = _first_of_group(html, field)
        legend = html.rfind("<legend", 0, first_option)
        return html[legend : html.find("</legend>", legend)] if legend >= 0 else ""
    match = re.search(
        rf'<label\b[^>]*\bfor="{re.escape(field.id_for_label)}"[^>]*>(.*?)</label>',
        html,
        re.DOTALL,
    )
    return match.group(1) if match else ""


def _described_element(html, field):
    """The element whose aria-describedby names the field's help and errors: the
    input, or the fieldset around a group of choices."""
    if field.layout == "group":
        first_option = _first_of_group(html, field)
        start = html.rfind("<fieldset", 0, first_option)
        return html[start : html.find(">", start) + 1] if start >= 0 else ""
    return _tag_with_id(html, field.id_for_label)


def _visible_fields(form):
    return [field for field in form.visible_fields() if field.auto_id]


def _look_problems(html, shown):
    problems = []
    for tag, attrs in _controls(html):
        if not BOOTSTRAP & set(attrs.get("class", "").split()):
            problems.append(f"<{tag} name={attrs.get('name')!r}> has no Bootstrap class")
    for form in shown:
        # A formset's rows are a table: the column header carries the marker.
        row = form.prefix and "-" in form.prefix
        for field in _visible_fields(form):
            if field.id_for_label and f'id="{field.id_for_label}"' not in html:
                continue  # a form the page keeps for a script (the formset's empty row)
            if row:
                header = re.search(
                    rf"<th\b[^>]*>{re.escape(str(field.label))}(.*?)</th>", html, re.DOTALL
                )
                label = header.group(1) if header else ""
            else:
                label = _label_of(html, field)
            if field.field.required and not ("required-marker" in label and "必填" in label):
                problems.append(f"{field.html_name}: required, its label has no marker")
            if field.help_text:
                helptext = f"{field.auto_id}_helptext"
                if f'id="{helptext}"' not in html:
                    problems.append(f"{field.html_name}: its help text has no id")
                if helptext not in _described_element(html, field):
                    problems.append(f"{field.html_name}: help text not in aria-describedby")
    return problems


def _invalid_post(form):
    """Data with the first required field empty and TYPED in every other text field:
    invalid whatever the form, so nothing is written."""
    fields = _visible_fields(form)
    # A disabled field (a record's fixed key) ignores what is posted.
    blank = next(f for f in fields if f.field.required and not f.field.disabled)
    data = {"csrfmiddlewaretoken": "x"}  # a browser's POST is never empty
    for field in fields:
        widget = field.field.widget
        text = isinstance(widget, (forms.TextInput, forms.Textarea)) and not isinstance(
            widget, forms.PasswordInput
        )
        if field is not blank and text and not isinstance(field.field, forms.ChoiceField):
            data[field.html_name] = TYPED
    return blank, data


def _error_problems(html, form, blank, data):
    problems = []
    if not form.errors.get(blank.name):
        return [f"{blank.html_name} left empty gave no error"]
    for field in _visible_fields(form):
        if not field.errors:
            continue
        error = f"{field.auto_id}_error"
        box = re.search(rf'<div class="invalid-feedback[^"]*" id="{re.escape(error)}">', html)
        if not box:
            problems.append(f"{field.html_name}: no invalid-feedback beside it")
        described = _described_element(html, field)
        if error not in described:
            problems.append(f"{field.html_name}: error not in aria-describedby")
        if field.layout != "group":
            element = _tag_with_id(html, field.id_for_label)
            if "is-invalid" not in element or 'aria-invalid="true"' not in element:
                problems.append(f"{field.html_name}: input not marked invalid")
    for name in set(data) - {"csrfmiddlewaretoken"}:
        kept = form[name.removeprefix(f"{form.prefix}-") if form.prefix else name]
        if TYPED not in _tag_with_id(html, kept.id_for_label) and not re.search(
            rf'id="{re.escape(kept.id_for_label)}"[^>]*>\s*{TYPED}</textarea>', html
        ):
            problems.append(f"{name}: what was typed is lost")
    return problems


def test_every_form_page_has_the_one_form_look(client, world, objects):
    problems, pages, posted = {}, 0, 0
    for url, response, shown in _form_pages(client, world, objects):
        pages += 1
        html = response.content.decode()
        found = _look_problems(html, shown)
        form = response.context.get("form")
        posts_here = re.search(r'<form[^>]*method="post"(?![^>]*action=)', html)
        if (
            isinstance(form, forms.BaseForm)
            and posts_here
            and any(f.field.required for f in _visible_fields(form))
        ):
            blank, data = _invalid_post(form)
            answer = client.post(url, data)
            if answer.status_code != 200:
                found.append(f"an invalid POST answered {answer.status_code}")
            else:
                posted += 1
                found += _look_problems(answer.content.decode(), _forms_in(answer.context))
                found += _error_problems(
                    answer.content.decode(), answer.context["form"], blank, data
                )
        if found:
            problems[url] = found
    print(f"\n{pages} form pages, {posted} posted invalid")
    assert pages > 40, f"the walk found only {pages} form pages"
    assert posted > 25, f"only {posted} forms were posted invalid"
    assert not problems, "\n".join(f"{url}: {p}" for url, found in problems.items() for p in found)
