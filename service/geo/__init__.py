"""Offline place resolution: event places to a GeoNames city, region or country.

Pure: no network, no service imports. Data: the files in this folder (the places of 500+
people, subdivisions, countries), built once by ``_build_cities`` and ``_build_regions``
(see NOTICE.md for the GeoNames attribution and how to rebuild them).
"""

from service.geo._gazetteer import gazetteer, warm

__all__ = ["gazetteer", "warm"]
