"""The fields of dispute of seed 002 (16 fields) and seed 003's classes, as the
initial maintained list; the operator edits it in the admin."""

from django.db import migrations

FIELDS = [
    ("marriage_family", "婚姻家庭"),
    ("neighbourhood", "邻里纠纷"),
    ("land", "山林土地"),
    ("property", "物业"),
    ("medical", "医疗"),
    ("traffic", "道路交通"),
    ("labour", "劳动争议"),
    ("tourism", "旅游"),
    ("banking_insurance", "银行保险"),
    ("catering", "餐饮"),
    ("consumer", "消费"),
    ("construction", "建设工程"),
    ("environment", "环境保护"),
    ("ecommerce", "电子商务"),
    ("intellectual_property", "知识产权"),
    ("education", "校园"),
    ("contract", "合同债务"),
    ("demolition", "征地拆迁"),
    ("commercial", "商事"),
    ("other", "其他"),
]


def load(apps, schema_editor):
    ExpertiseField = apps.get_model("registry", "ExpertiseField")
    for position, (code, name) in enumerate(FIELDS):
        ExpertiseField.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
