from complaints.models.choices import (
    Channel,
    ComplaintStatus,
    Finding,
    IntegrityKind,
    Sanction,
)
from complaints.models.complaints import (
    ALLOWED_ATTACHMENT_TYPES,
    Complaint,
    ComplaintAttachment,
)
from complaints.models.integrity import IntegrityRecord

__all__ = [
    "ALLOWED_ATTACHMENT_TYPES",
    "Channel",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintStatus",
    "Finding",
    "IntegrityKind",
    "IntegrityRecord",
    "Sanction",
]
