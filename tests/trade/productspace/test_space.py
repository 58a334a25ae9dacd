"""The product space's formulas on a matrix small enough to compute by hand.

Four countries, four products, every product's world exports 100 (world total 400), so each
world share is 1/4 and RCA_cp = 4 * c's share of its own exports in p:

          x    y    z    w   total     RCA x  y  z  w      M_cp
    A    50   50    -    -    100          2  2  -  -      x y
    B    25   25   50    -    100          1  1  2  -      x y z   (RCA exactly 1 counts)
    C    25    -   25   50    100          1  -  1  2      x z w
    D     -   25   25   50    100          -  1  1  2      y z w

k: x 3, y 3, z 3, w 2. Countries exporting both: x-y 2 (A, B), x-z 2 (B, C), x-w 1 (C),
y-z 2 (B, D), y-w 1 (D), z-w 2 (C, D). phi = together / max(k, k'):
x-y 2/3, x-z 2/3, x-w 1/3, y-z 2/3, y-w 1/3, z-w 2/3.
Density of A (exports x and y with advantage):
  z: (2/3 + 2/3) / (2/3 + 2/3 + 2/3) = 2/3;  w: (1/3 + 1/3) / (1/3 + 1/3 + 2/3) = 1/2;
  x: (2/3) / (2/3 + 2/3 + 1/3) = 2/5 (x itself is left out of its own density).
"""

import pytest

from opportunities.trade.productspace import space

EXPORTS = {
    "A": {"x": 50, "y": 50},
    "B": {"x": 25, "y": 25, "z": 50},
    "C": {"x": 25, "z": 25, "w": 50},
    "D": {"y": 25, "z": 25, "w": 50},
}


def test_rca_is_the_countrys_share_over_the_worlds_share():
    rcas = space.rca(EXPORTS)
    assert rcas["A"] == {"x": pytest.approx(2), "y": pytest.approx(2)}
    assert rcas["B"]["z"] == pytest.approx(2)
    assert rcas["B"]["x"] == pytest.approx(1)
    assert "z" not in rcas["A"]


def test_rca_ignores_zero_exports_and_countries_without_exports():
    rcas = space.rca({**EXPORTS, "E": {"x": 0}, "A": {"x": 50, "y": 50, "z": 0}})
    assert "E" not in rcas
    assert set(rcas["A"]) == {"x", "y"}


def test_m_cp_includes_an_rca_of_exactly_one():
    m = space.specialisations(space.rca(EXPORTS))
    assert m == {
        "A": {"x", "y"},
        "B": {"x", "y", "z"},
        "C": {"x", "z", "w"},
        "D": {"y", "z", "w"},
    }
    assert space.ubiquity(m) == {"x": 3, "y": 3, "z": 3, "w": 2}


def test_proximity_divides_co_exports_by_the_larger_ubiquity():
    phi = space.proximity(space.specialisations(space.rca(EXPORTS)))
    assert phi["x", "y"] == pytest.approx(2 / 3)
    assert phi["x", "w"] == pytest.approx(1 / 3)
    assert phi["w", "x"] == phi["x", "w"]
    assert phi["z", "w"] == pytest.approx(2 / 3)
    assert ("x", "x") not in phi
    assert len(phi) == 12  # six pairs, both ways


def test_density_is_the_share_of_proximity_on_products_already_exported():
    phi = space.proximity(space.specialisations(space.rca(EXPORTS)))
    density = space.density(frozenset({"x", "y"}), phi, ["x", "y", "z", "w"])
    assert density["z"] == pytest.approx(2 / 3)
    assert density["w"] == pytest.approx(1 / 2)
    assert density["x"] == pytest.approx(2 / 5)
    assert space.density(frozenset(), phi, ["z"]) == {"z": 0.0}
    # B exports x, y and z: everything around w is already exported.
    assert space.density(frozenset({"x", "y", "z"}), phi, ["w"])["w"] == pytest.approx(1)


def test_nearest_ranks_unlisted_products_by_their_largest_proximity():
    phi = space.proximity(space.specialisations(space.rca(EXPORTS)))
    neighbours = {}
    for (a, b), value in phi.items():
        neighbours.setdefault(a, []).append((b, value))
    near_x = space.nearest({"x"}, neighbours, limit=5)
    assert [(n.product, round(n.proximity, 3), n.via) for n in near_x] == [
        ("y", 0.667, "x"),
        ("z", 0.667, "x"),
        ("w", 0.333, "x"),
    ]
    # With x and w listed, z is reached at 2/3 through either; listed products never come back.
    near = space.nearest({"x", "w"}, neighbours, limit=1)
    assert [(n.product, n.via) for n in near] == [("y", "x")]
    assert space.nearest(set(), neighbours) == []
