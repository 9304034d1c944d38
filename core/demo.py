"""Demo data of the foundation: 绍兴市 with its six county-level divisions, synthetic
townships and villages, the seven bureaus, one judicial office per township, demo
users and one policy override. Deterministic for a given seed and scale."""

from django.contrib.auth import get_user_model

from core.models import Bureau, BureauLevel, JudicialOffice, Policy, Region, Role, RoleKind
from core.regions import RegionLevel
from core.seeding import SeedContext, register

CITY_CODE = "330600000000"  # 绍兴市
STEMS = list("安昌东丰福光和华江金康乐临明宁平清仁瑞山盛石太天同文西兴阳永长中湖溪桥塘")
TOWNSHIP_SUFFIXES = ["镇", "街道", "乡", "镇"]
VILLAGE_SUFFIXES = ["村", "村", "村", "社区"]
DEMO_USERS = ["city", "district", "office", "finance", "admin"]
VILLAGE_BATCH = 5000


def _name(rng, suffixes, taken):
    while True:
        name = rng.choice(STEMS) + rng.choice(STEMS) + rng.choice(suffixes)
        if name not in taken:
            taken.add(name)
            return name


@register(0, "regions, bureaus, offices")
def seed_foundation(ctx: SeedContext):
    city = Region.objects.get(code=CITY_CODE)
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    townships_per_county = ctx.scaled(17, minimum=2)
    villages_per_township = ctx.scaled(20, minimum=3)

    townships = []
    for county in counties:
        taken: set[str] = set()
        for t in range(1, townships_per_county + 1):
            code = f"{county.prefix}{t:03d}000"
            townships.append(
                Region(
                    code=code,
                    name=_name(ctx.rng, TOWNSHIP_SUFFIXES, taken),
                    kind="镇",
                    parent=county,
                    level=RegionLevel.TOWNSHIP,
                    prefix=code[:9],
                )
            )
    Region.objects.bulk_create(townships, batch_size=2000)
    # Villages grow with the square of the scale (200,000 at scale 10): written in
    # batches and not kept; the roster step reads each county's when it staffs it.
    villages = []
    for township in townships:
        taken = set()
        for v in range(1, villages_per_township + 1):
            code = f"{township.prefix}{v:03d}"
            villages.append(
                Region(
                    code=code,
                    name=_name(ctx.rng, VILLAGE_SUFFIXES, taken),
                    kind="村",
                    parent=township,
                    level=RegionLevel.VILLAGE,
                    prefix=code,
                )
            )
        if len(villages) >= VILLAGE_BATCH:
            Region.objects.bulk_create(villages)
            villages = []
    Region.objects.bulk_create(villages)

    city_bureau = Bureau.objects.create(
        region=city,
        name="绍兴市司法局",
        level=BureauLevel.CITY,
        address="绍兴市越城区洋江西路 ",
        phone="0575-85130000",
    )
    county_bureaus = [
        Bureau(
            region=county,
            name=f"{county.name}司法局",
            level=BureauLevel.COUNTY,
            parent=city_bureau,
            address=f"绍兴市{county.name}人民路 1 号",
            phone=f"0575-8{i:03d}0000",
        )
        for i, county in enumerate(counties, start=1)
    ]
    Bureau.objects.bulk_create(county_bureaus)
    bureau_by_prefix = {b.region.prefix: b for b in county_bureaus}
    offices = [
        JudicialOffice(
            region=t,
            bureau=bureau_by_prefix[t.prefix[:6]],
            name=f"{t.name}司法所",
            address=f"{t.parent.name}{t.name}政府大院",
            phone="0575-8" + t.code[4:11],
        )
        for t in townships
    ]
    JudicialOffice.objects.bulk_create(offices, batch_size=2000)

    # One county works under a stricter standard than the city's 332 (like seed 002's).
    zhuji = next((b for b in county_bureaus if b.region.name == "诸暨市"), county_bureaus[-1])
    Policy.objects.create(
        bureau=zhuji,
        region=zhuji.region,
        key="staffing_standard",
        value={
            "county": 5,
            "township": 2,
            "village": 1,
            "industry": 3,
            "enterprise": 0,
            "dispatched": 2,
            "named": 0,
        },
    )

    ctx.city_bureau = city_bureau
    ctx.county_bureaus = county_bureaus
    ctx.townships = townships
    ctx.offices = offices


def create_demo_users(ctx: SeedContext, password: str) -> list[tuple[str, str]]:
    """The five demo logins. Returns (username, description) pairs to print."""
    User = get_user_model()
    city_bureau = ctx.city_bureau
    district_bureau = ctx.county_bureaus[0]
    office = next(o for o in ctx.offices if o.bureau_id == district_bureau.pk)
    specs = [
        (
            "city",
            "市局工作人员",
            [
                (RoleKind.BUREAU_STAFF, city_bureau, None),
                (RoleKind.BUREAU_STAFF, district_bureau, None),
            ],
        ),
        ("district", "区县局工作人员", [(RoleKind.BUREAU_STAFF, district_bureau, None)]),
        ("office", "司法所工作人员", [(RoleKind.OFFICE_CLERK, None, office)]),
        ("finance", "财务", [(RoleKind.FINANCE, city_bureau, None)]),
        ("admin", "市局管理员", [(RoleKind.BUREAU_ADMIN, city_bureau, None)]),
    ]
    printed = []
    for username, title, roles in specs:
        user = User.objects.create_user(username=username, password=password, first_name=title)
        if username == "admin":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        for kind, bureau, office_ in roles:
            Role.objects.create(user=user, kind=kind, bureau=bureau, office=office_)
        units = "; ".join(str(bureau or office_) for _, bureau, office_ in roles)
        printed.append((username, f"{title} ({units})"))
    return printed
