"""Notifications: instant match emails, daily and weekly digests, preferences and one-click
unsubscribe. Every email goes through the outbox of the core (`tradeportal.outbox`)."""
