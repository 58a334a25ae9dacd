from django.urls import path

from opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("opportunities/", views.browse, name="browse"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="detail"),
    path("sectors/", views.sector_list, name="sectors"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector"),
    path("market/", views.insights, name="insights"),
    path("methodology/", views.methodology, name="methodology"),
]
