"""Steps of ``manage.py seed_demo``. Each app registers the step that builds its own
demo data, so core runs registry's step without importing registry."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SeedContext:
    scale: float
    rng: random.Random
    stdout: object
    city_bureau: object = None
    county_bureaus: list = field(default_factory=list)
    townships: list = field(default_factory=list)  # Region rows (villages are not kept)
    offices: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def scaled(self, base: float, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))


@dataclass(frozen=True)
class SeedStep:
    order: int
    name: str
    run: Callable[[SeedContext], None]
    # A bulk load the next steps query: the command refreshes the planner's statistics
    # after it. The whole seed is one transaction, which autovacuum cannot see into,
    # so without this the later steps' queries are planned as if the tables were empty
    # (one settlement query took 80 s of a city-sized seed that way).
    analyze: bool = False


STEPS: list[SeedStep] = []


def register(order: int, name: str, analyze: bool = False):
    def decorator(func):
        STEPS.append(SeedStep(order, name, func, analyze))
        STEPS.sort(key=lambda step: step.order)
        return func

    return decorator
