"""Checking the files the public attaches to a complaint.

The type is read from the file's content, never from its name or the browser's
Content-Type: only JPEG, PNG and PDF pass, and images must also open in Pillow. The
stored name is made by the model (complaints.models.attachment_path); the name the
user gave is kept only as a label for staff.
"""

import io
import unicodedata
from dataclasses import dataclass

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from complaints.models import ALLOWED_ATTACHMENT_TYPES

MAX_FILES = 3
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES files from one input; the form checks them with
    ``check_uploads`` (the public form only once its proof-of-work passed)."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Attachments (optional)"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            gettext_lazy("Up to %(count)d photos (JPEG, PNG) or PDF documents.")
            % {"count": MAX_FILES},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        # Explicit super(): a comprehension is its own scope (PEP 709 comes in 3.12).
        return [super(AttachmentsField, self).clean(item, initial) for item in files]


@dataclass
class CheckedUpload:
    """What complaints.services.file_complaint takes for an attachment."""

    file: ContentFile
    content_type: str
    name: str
    size: int


def display_name(name: str) -> str:
    """The user's file name made safe to keep as a label: no path, no control
    characters, at most 200 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "file"


def check_upload(upload) -> CheckedUpload:
    """Check one uploaded file; raise ValidationError naming it when it is refused."""
    name = display_name(getattr(upload, "name", ""))
    limit = settings.COMPLAINT_ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="attachment_size",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="attachment_size",
        )
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="attachment_empty")
    refused = ValidationError(
        _("“%(name)s” is not a JPEG or PNG image or a PDF document.") % {"name": name},
        code="attachment_type",
    )
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_ATTACHMENT_TYPES:
        raise refused
    if kind.mime in IMAGE_TYPES:
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != IMAGE_TYPES[kind.mime]:
                    raise refused
                image.verify()
        except ValidationError:
            raise
        except Exception:  # any decoding failure, decompression bombs included
            raise refused from None
    elif not data.startswith(b"%PDF-"):
        raise refused
    extension = ALLOWED_ATTACHMENT_TYPES[kind.mime]
    return CheckedUpload(
        file=ContentFile(data, name=f"attachment.{extension}"),
        content_type=kind.mime,
        name=name,
        size=len(data),
    )


def check_uploads(uploads) -> list[CheckedUpload]:
    """Check up to MAX_FILES files; every refused file is named in the error."""
    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("Attach at most %(count)d files.") % {"count": MAX_FILES}, code="attachment_count"
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked
