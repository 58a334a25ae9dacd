"""Fetchers of official trade statistics: DataMéxico (Mexico, by state) and UN Comtrade (Peru).

Each writes complete CSV files into a download folder (temporary file, then rename, so a file
that exists is complete and an interrupted fetch resumes), then the command imports them through
the atomic importer and regenerates market demand once.
"""
