"""The dispute categories of the published monthly reports (DOMAIN.md, Cases)."""

from django.db import migrations

TYPES = [
    ("marriage_family", "婚姻家庭"),
    ("neighbourhood", "邻里纠纷"),
    ("homestead", "房屋宅基地"),
    ("contract", "合同纠纷"),
    ("business", "生产经营"),
    ("damages", "损害赔偿"),
    ("land", "山林土地"),
    ("demolition", "征地拆迁"),
    ("pollution", "环境污染"),
    ("labour", "劳动争议"),
    ("consumer", "消费纠纷"),
    ("medical", "医疗纠纷"),
    ("traffic", "道路交通"),
    ("property", "物业纠纷"),
    ("other", "其他纠纷"),
]


def load(apps, schema_editor):
    DisputeType = apps.get_model("mediation", "DisputeType")
    for position, (code, name) in enumerate(TYPES):
        DisputeType.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
