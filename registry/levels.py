"""Mediator levels. A level is a rank into the governing bureau's ``grading_levels``
rule (1 = the first name, the highest level), so each bureau names its own (一级..四级,
or 特级..三级 in Zhejiang). Only grading.services changes a mediator's level."""

from core import policy
from core.tenancy import active_prefix


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


def active_bureau():
    """The bureau whose rules apply in the active jurisdiction (a township's is its
    county's); None outside one or with every region open."""
    from registry.services import governing_bureau  # registry.services imports models

    prefix = active_prefix()
    return governing_bureau(prefix.ljust(12, "0")) if prefix else None


def active_choices() -> list[tuple[int, str]]:
    """(rank, name) of the active bureau's levels, highest first; the default names
    where no bureau is active (every region open)."""
    bureau = active_bureau()
    if bureau is None:
        return list(enumerate(policy.get_key("grading_levels").default, start=1))
    return choices(bureau)
