from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("<int:pk>/", views.company_detail, name="detail"),
]
