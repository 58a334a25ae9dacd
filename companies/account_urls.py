"""allauth's pages that TradePortal adapts (the rest come from allauth.urls)."""

from django.urls import path

from companies import views

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="account_signup"),
]
