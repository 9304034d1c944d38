from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "subsidies"
