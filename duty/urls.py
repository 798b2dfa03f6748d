from django.urls import URLPattern, URLResolver

app_name = "duty"

urlpatterns: list[URLPattern | URLResolver] = []
