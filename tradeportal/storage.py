"""Where private files live: conversation attachments are stored under PRIVATE_MEDIA_ROOT, apart
from MEDIA_ROOT, and have no URL at all; a view checks who asks and streams them."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT (read at each use), without URLs."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str) -> str:
        raise ValueError("Private files have no URL; a view serves them to their readers.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
