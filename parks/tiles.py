"""Where the map draws a park on the configured tiles: positions are stored as WGS-84, and only drawn elsewhere.

Mainland Chinese tile providers draw their maps in GCJ-02, an obfuscated system in which a WGS-84
position lands some hundreds of metres off. With PARKS_MAP_TILE_CRS = "gcj02" the map's positions are
shifted as those tiles are; the park pages, downloads and API keep the stored WGS-84 values.
"""

import math

from django.conf import settings

TILE_COORDINATE_SYSTEMS = ("wgs84", "gcj02")

# The Krasovsky 1940 ellipsoid the published GCJ-02 transform is written for.
SEMI_MAJOR_AXIS = 6378245.0
ECCENTRICITY_SQUARED = 0.00669342162296594323


def position_on_tiles(latitude, longitude):
    """[latitude, longitude] where the configured tiles show this WGS-84 position."""
    latitude, longitude = float(latitude), float(longitude)
    if settings.PARKS_MAP_TILE_CRS == "gcj02":
        return list(wgs84_to_gcj02(latitude, longitude))
    return [latitude, longitude]


def wgs84_to_gcj02(latitude, longitude):
    """The GCJ-02 position of a WGS-84 one; outside mainland China's box GCJ-02 is WGS-84."""
    if not (72.004 <= longitude <= 137.8347 and 0.8293 <= latitude <= 55.8271):
        return latitude, longitude
    x, y = longitude - 105.0, latitude - 35.0
    shift_lat = _shift_latitude(x, y)
    shift_lng = _shift_longitude(x, y)
    radians = latitude / 180.0 * math.pi
    magic = 1 - ECCENTRICITY_SQUARED * math.sin(radians) ** 2
    root = math.sqrt(magic)
    shift_lat = shift_lat * 180.0 / ((SEMI_MAJOR_AXIS * (1 - ECCENTRICITY_SQUARED)) / (magic * root) * math.pi)
    shift_lng = shift_lng * 180.0 / (SEMI_MAJOR_AXIS / root * math.cos(radians) * math.pi)
    return latitude + shift_lat, longitude + shift_lng


def _waves(x):
    return (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0


def _shift_latitude(x, y):
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    shift += _waves(x)
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return shift


def _shift_longitude(x, y):
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    shift += _waves(x)
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return shift
