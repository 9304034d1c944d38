"""Factories for every model. The isolation walker looks models up in FACTORIES to
create an object in a foreign bureau, so a new model must add its factory here."""

import factory
from django.contrib.auth import get_user_model

from core.models import Bureau, BureauLevel, Job, JudicialOffice, Policy, Region, Role, RoleKind
from core.regions import level_of, prefix_of


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3306029{n % 100:02d}000")
    name = factory.Sequence(lambda n: f"测试区域{n}")
    level = factory.LazyAttribute(lambda o: level_of(o.code))
    prefix = factory.LazyAttribute(lambda o: prefix_of(o.code))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-123")


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau

    name = factory.LazyAttribute(lambda o: f"{o.region.name}司法局")
    level = factory.LazyAttribute(
        lambda o: BureauLevel.COUNTY if o.region.level == "county" else BureauLevel.CITY
    )


class JudicialOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JudicialOffice

    name = factory.LazyAttribute(lambda o: f"{o.region.name}司法所")
    bureau = factory.LazyAttribute(lambda o: Bureau.objects.get(region_id=o.region.parent_id))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.BUREAU_STAFF


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    key = "training_min_sessions"
    value = 3


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = "export_roles"


# Model → callable(world, side) creating one object owned by that side of the world
# ("a" or "b"); used by the isolation walker.
FACTORIES = {
    Region: lambda world, side: world[side]["township"],
    Bureau: lambda world, side: world[side]["county_bureau"],
    JudicialOffice: lambda world, side: world[side]["office"],
    Role: lambda world, side: world[side]["clerk_role"],
    Policy: lambda world, side: PolicyFactory(
        bureau=world[side]["county_bureau"], region=world[side]["county_bureau"].region
    ),
    Job: lambda world, side: JobFactory(region=world[side]["county_bureau"].region),
}
