"""The privacy notice and its acceptance (at /privacy/, and /en/privacy/ in English)."""

from django.urls import path

from companies import views

urlpatterns = [
    path("", views.privacy_notice, name="privacy_notice"),
    path("accept/", views.privacy_accept, name="privacy_accept"),
]
