"""Mediator levels. A level is a rank into the governing bureau's ``grading_levels``
rule (1 = the first name, the highest level), so each bureau names its own (一级..四级,
or 特级..三级 in Zhejiang). Only grading.services changes a mediator's level."""

from core import policy


def names(bureau) -> list[str]:
    """The bureau's level names, highest first (its own rule, its city's, or the
    default)."""
    return policy.value(bureau, "grading_levels")


def name(rank: int | None, level_names: list[str]) -> str:
    """The name of *rank* in *level_names*; "" for no level or a rank the list has no
    name for (the bureau shortened its list since)."""
    if rank is None or not 1 <= rank <= len(level_names):
        return ""
    return level_names[rank - 1]


def choices(bureau) -> list[tuple[int, str]]:
    """(rank, name) for a picker of the bureau's levels, highest first."""
    return list(enumerate(names(bureau), start=1))
