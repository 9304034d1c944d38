from publication.models.snapshots import (
    PublicationStatus,
    PublishedCommittee,
    PublishedMediator,
    RosterPublication,
)

__all__ = ["PublicationStatus", "PublishedCommittee", "PublishedMediator", "RosterPublication"]
