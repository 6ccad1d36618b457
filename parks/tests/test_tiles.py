from django.core.checks import run_checks
from django.test import SimpleTestCase, override_settings

from parks.tiles import position_on_tiles, wgs84_to_gcj02

# WGS-84 → GCJ-02 pairs published with two widely used implementations of the transform:
# googollee/eviltransform's tests (Shanghai, Shenzhen, Beijing) and wandergis/coordtransform's example.
REFERENCE_PAIRS = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
]


class TilePositionTests(SimpleTestCase):
    def test_gcj02_matches_the_published_reference_pairs(self):
        for wgs84, gcj02 in REFERENCE_PAIRS:
            with self.subTest(wgs84=wgs84):
                converted = wgs84_to_gcj02(*wgs84)
                self.assertAlmostEqual(converted[0], gcj02[0], places=9)
                self.assertAlmostEqual(converted[1], gcj02[1], places=9)

    def test_outside_china_gcj02_is_wgs84(self):
        self.assertEqual(wgs84_to_gcj02(51.5, -0.12), (51.5, -0.12))

    def test_positions_move_only_for_gcj02_tiles(self):
        self.assertEqual(position_on_tiles("43.84", "126.55"), [43.84, 126.55])
        with override_settings(PARKS_MAP_TILE_CRS="gcj02"):
            self.assertNotEqual(position_on_tiles("43.84", "126.55"), [43.84, 126.55])


class TileSettingsCheckTests(SimpleTestCase):
    def ids(self):
        return {message.id for message in run_checks()}

    def test_an_unknown_coordinate_system_is_an_error(self):
        with override_settings(PARKS_MAP_TILE_CRS="bd09"):
            self.assertIn("rustbelt.E001", self.ids())
        self.assertNotIn("rustbelt.E001", self.ids())

    def test_tiles_without_their_credit_are_a_warning(self):
        with override_settings(PARKS_MAP_TILE_URL="https://tile.example.org/{z}/{x}/{y}.png"):
            self.assertIn("rustbelt.W002", self.ids())
            with override_settings(PARKS_MAP_TILE_ATTRIBUTION="&copy; Example"):
                self.assertNotIn("rustbelt.W002", self.ids())
