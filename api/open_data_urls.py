from django.urls import path, register_converter

from .open_data import OpenDataIndexView, OpenDataView


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


register_converter(YearConverter, "year")

app_name = "open_data"

urlpatterns = [
    path("", OpenDataIndexView.as_view(), name="index"),
    path("<year:year>/<slug:dataset>.<slug:fmt>", OpenDataView.as_view(), name="file"),
]
