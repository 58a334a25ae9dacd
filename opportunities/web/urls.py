from django.urls import path

from opportunities.web import guide, introductions, matching, outcomes, quotes, views

app_name = "opportunities"

urlpatterns = [
    path("opportunities/", views.browse, name="browse"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="detail"),
    path("opportunities/<int:pk>/interest/", matching.opportunity_interest, name="interest"),
    path("dashboard/", matching.dashboard, name="dashboard"),
    path("dashboard/matches/<int:pk>/<slug:action>/", matching.match_action, name="match_action"),
    path("interests/", matching.interests, name="interests"),
    path("interests/<int:pk>/<slug:action>/", matching.interest_action, name="interest_action"),
    path("introductions/<int:pk>/", introductions.introduction, name="introduction"),
    path(
        "introductions/<int:pk>/withdraw/",
        introductions.withdraw,
        name="introduction_withdraw",
    ),
    path(
        "introductions/<int:pk>/messages/", introductions.post_message, name="introduction_message"
    ),
    path(
        "introductions/<int:pk>/messages/<int:message_id>/attachment/",
        introductions.attachment,
        name="introduction_attachment",
    ),
    path("introductions/<int:pk>/report/", introductions.report, name="introduction_report"),
    path("requests/<int:pk>/quote/", quotes.quote_form, name="quote_form"),
    path("requests/<int:pk>/quotes/", quotes.request_quotes, name="request_quotes"),
    path("quotes/", quotes.my_quotes, name="my_quotes"),
    path("quotes/<int:pk>/<slug:action>/", quotes.quote_action, name="quote_action"),
    path("outcomes/<str:token>/", outcomes.outcome, name="outcome"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/new/", views.request_form, name="request_new"),
    path("requests/<int:pk>/edit/", views.request_form, name="request_edit"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("sectors/", views.sector_list, name="sectors"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector"),
    path("market/", views.insights, name="insights"),
    path("market/<slug:code>/", views.market, name="market"),
    path("methodology/", views.methodology, name="methodology"),
    path("guide/", guide.guide_index, name="guide"),
    path("guide/<str:chapter>/", guide.guide_chapter, name="guide_chapter"),
]
