from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("mine/", views.my_companies, name="mine"),
    path("new/", views.company_new, name="new"),
    path("switch/", views.switch_company, name="switch"),
    path("hs-search/", views.hs_search, name="hs_search"),
    path("privacy/", views.privacy, name="privacy"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/profile/", views.company_profile, name="profile"),
    path("<int:pk>/setup/<int:step>/", views.company_setup, name="setup"),
    path("<int:pk>/products/add/", views.product_add, name="product_add"),
    path("<int:pk>/products/<int:product_id>/remove/", views.product_remove, name="product_remove"),
    path("<int:pk>/members/<slug:action>/", views.member_action, name="member_action"),
]
