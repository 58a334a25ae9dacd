"""The exporter's guide: how to ship between Mexico and Peru under the agreements, per chapter."""
