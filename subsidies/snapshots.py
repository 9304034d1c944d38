"""The review queue's counts per area, kept as a snapshot for a large jurisdiction
(core.snapshots): a province's closed cases take seconds to count with their flags."""

from core import snapshots
from subsidies import reviews

QUEUE_COUNTS = "subsidies.queue_counts"


@snapshots.report(QUEUE_COUNTS)
def queue_counts(query):
    return reviews.queue_counts()
