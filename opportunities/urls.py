from django.urls import path

from opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("sectors/<slug:slug>/", views.sector_detail, name="sector"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="detail"),
]
