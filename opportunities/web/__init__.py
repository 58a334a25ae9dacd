"""HTML interface of the opportunities app: pages, dashboard, notification preferences, URLs."""
