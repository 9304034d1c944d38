import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from core.models import Bureau, BureauLevel, Region
from core.regions import RegionLevel, ancestor_codes, normalize_code
from core.tenancy import all_regions
from core.users import services

PASSWORD_ENV = "BUREAU_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a bureau admin: a user with the bureau_admin role of one justice bureau, "
        "and a temporary password they must change at their first login. Prints the "
        f"password, or uses the one in ${PASSWORD_ENV}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--bureau",
            required=True,
            help="The bureau's division code (3306 or 330600000000) or its exact name.",
        )
        parser.add_argument("--full-name", default="", help="Defaults to the username.")
        parser.add_argument("--phone", default="")
        parser.add_argument(
            "--create-bureau",
            action="store_true",
            help="Create the bureau (and its city bureau) from the loaded regions "
            "(manage.py load_regions) if it does not exist; --bureau must be a code.",
        )

    @transaction.atomic
    def handle(self, *args, username, bureau, full_name, phone, create_bureau, **options):
        with all_regions():
            unit = self._bureau(bureau, create_bureau)
        try:
            user, password = services.bootstrap_admin(
                username=username,
                bureau=unit,
                full_name=full_name,
                phone=phone,
                password=os.environ.get(PASSWORD_ENV) or None,
            )
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        self.stdout.write(f"Bureau admin {user.username} of {unit.name} ({unit.region_id}).")
        if os.environ.get(PASSWORD_ENV):
            self.stdout.write(f"Password: from ${PASSWORD_ENV}; it must be changed at first login.")
        else:
            self.stdout.write(f"Temporary password (must be changed at first login): {password}")

    def _bureau(self, wanted: str, create: bool) -> Bureau:
        try:
            code = normalize_code(wanted)
        except ValidationError:
            code = None
        found = Bureau.objects.select_related("region").filter(
            Q(region_id=code) if code else Q(name=wanted.strip())
        )
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise CommandError(f"Several bureaus are named {wanted!r}; give the division code.")
        if not create:
            raise CommandError(
                f"No bureau {wanted!r}. Check the code or name, or pass --create-bureau "
                "to create it from the loaded regions."
            )
        if code is None:
            raise CommandError("--create-bureau needs the bureau's division code.")
        return _create_bureau(code)


def _create_bureau(code: str) -> Bureau:
    """The bureau governing the region *code* (a city, a 直辖市 or a county), and for a
    county its city bureau too when that is missing."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise CommandError(f"No region {code}; run manage.py load_regions first.")
    existing = Bureau.objects.filter(region=region).first()
    if existing is not None:
        return existing
    if region.level == RegionLevel.COUNTY:
        parent_region = (
            Region.objects.filter(
                code__in=ancestor_codes(code), level__in=[RegionLevel.CITY, RegionLevel.PROVINCE]
            )
            .order_by("-code")
            .first()
        )
        parent = _create_bureau(parent_region.code) if parent_region else None
        level = BureauLevel.COUNTY
    elif region.level in (RegionLevel.CITY, RegionLevel.PROVINCE):
        parent, level = None, BureauLevel.CITY
    else:
        raise CommandError(f"{region.name} ({code}) is not a city or county: no bureau governs it.")
    bureau = Bureau(region=region, name=f"{region.name}司法局", level=level, parent=parent)
    try:
        bureau.full_clean()
    except ValidationError as exc:
        raise CommandError(_messages(exc)) from exc
    bureau.save()
    return bureau


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
