"""The product space's formulas, on plain mappings: no queries, no Django.

Notation of Hidalgo, Klinger, Barabási and Hausmann (2007), "The Product Space Conditions the
Development of Nations", Science 317(5837):

- RCA_cp = (x_cp / sum_p x_cp) / (sum_c x_cp / sum_cp x_cp), Balassa's revealed comparative
  advantage of country c in product p, from world exports x;
- M_cp = 1 where RCA_cp >= 1, else 0 (c is a specialised exporter of p);
- k_p = sum_c M_cp, the ubiquity of p (how many countries export it with advantage);
- phi_pp' = sum_c M_cp M_cp' / max(k_p, k_p'), the proximity of p and p': the smaller of the two
  conditional probabilities that a country exports one with advantage given that it exports the
  other; 0 on the diagonal;
- w_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp' (p' != p), the density around p of what c already
  exports with advantage: 0 when none of p's neighbours is among c's products, 1 when all are.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# country -> product -> export value (US$)
Exports = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Neighbour:
    """A product close to one the firm sells, through that product."""

    product: str
    proximity: float
    via: str


def rca(exports: Exports) -> dict[str, dict[str, float]]:
    """Balassa's RCA of each country in each product it exports (zero values left out)."""
    rows = {
        country: {p: float(v) for p, v in products.items() if v and v > 0}
        for country, products in exports.items()
    }
    world_by_product: dict[str, float] = defaultdict(float)
    for products in rows.values():
        for product, value in products.items():
            world_by_product[product] += value
    world = sum(world_by_product.values())
    result: dict[str, dict[str, float]] = {}
    for country, products in rows.items():
        total = sum(products.values())
        if total <= 0:
            continue
        result[country] = {
            product: (value / total) / (world_by_product[product] / world)
            for product, value in products.items()
        }
    return result


def specialisations(rcas: Mapping[str, Mapping[str, float]], threshold: float = 1.0):
    """M_cp as sets: the products each country exports with RCA at or above the threshold."""
    return {
        country: frozenset(p for p, value in products.items() if value >= threshold)
        for country, products in rcas.items()
    }


def ubiquity(m: Mapping[str, frozenset[str]]) -> dict[str, int]:
    """k_p: how many countries export each product with advantage."""
    counts: dict[str, int] = defaultdict(int)
    for products in m.values():
        for product in products:
            counts[product] += 1
    return dict(counts)


def proximity(m: Mapping[str, frozenset[str]]) -> dict[tuple[str, str], float]:
    """phi_pp' for every ordered pair of distinct products some country exports together."""
    # One bit per country for each product: countries exporting both = popcount of the AND
    # (six times faster than counting pairs country by country at 1,200 headings, 200 countries).
    masks: dict[str, int] = defaultdict(int)
    for bit, products in enumerate(m.values()):
        for product in products:
            masks[product] |= 1 << bit
    k = {product: mask.bit_count() for product, mask in masks.items()}
    ordered = sorted(masks)
    phi: dict[tuple[str, str], float] = {}
    for i, a in enumerate(ordered):
        mask_a = masks[a]
        for b in ordered[i + 1 :]:
            together = (mask_a & masks[b]).bit_count()
            if together:
                phi[a, b] = phi[b, a] = together / max(k[a], k[b])
    return phi


def density(
    exported: frozenset[str], phi: Mapping[tuple[str, str], float], products: Iterable[str]
) -> dict[str, float]:
    """w_cp for each product: the share of its proximity that falls on products c exports."""
    around: dict[str, float] = defaultdict(float)
    held: dict[str, float] = defaultdict(float)
    for (p, other), value in phi.items():
        around[p] += value
        if other in exported:
            held[p] += value
    return {p: (held[p] / around[p] if around[p] else 0.0) for p in products}


def nearest(
    owned: Iterable[str],
    neighbours: Mapping[str, Iterable[tuple[str, float]]],
    *,
    limit: int = 5,
) -> list[Neighbour]:
    """The products closest to any of `owned` (by their largest proximity), not owned themselves.

    Ties go to the product code, so the list is stable from one page view to the next.
    """
    owned = set(owned)
    best: dict[str, Neighbour] = {}
    for via in sorted(owned):
        for product, phi in neighbours.get(via, ()):
            if product in owned or phi <= 0:
                continue
            if product not in best or phi > best[product].proximity:
                best[product] = Neighbour(product, phi, via)
    ranked = sorted(best.values(), key=lambda n: (-n.proximity, n.product))
    return ranked[:limit]
