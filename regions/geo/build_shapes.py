"""Build regions/geo/regencies.json.gz (the shapes regions/maps.py draws) from the shared boundary files.

    .venv/bin/python regions/geo/build_shapes.py /work/shared/geo/regencies_national.geo.json

Keeps only what the map needs: each regency/city's polygons keyed by Kemendagri code (coordinates exactly as in
the source, lon/lat, 3 decimals), and the land borders between provinces as polylines (the edges that two
regencies of different provinces share; the source is a clean coverage, so shared edges have identical vertices).
Names are not kept: they come from the database. Written with a fixed gzip timestamp, so a rebuild is byte-identical.
"""

import collections
import gzip
import itertools
import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("regencies.json.gz")


def polygons(geometry):
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def province_borders(regencies):
    """Chains of the segments shared by two regencies of different provinces, as open polylines."""
    owners = collections.defaultdict(set)
    for code, polys in regencies.items():
        for poly in polys:
            for ring in poly:
                for a, b in itertools.pairwise(ring):
                    owners[frozenset((tuple(a), tuple(b)))].add(code[:2])
    neighbours = collections.defaultdict(list)
    for segment, provinces in owners.items():
        if len(provinces) == 2:
            a, b = tuple(segment)
            neighbours[a].append(b)
            neighbours[b].append(a)
    seen, lines = set(), []
    # Start at the ends of chains (a point with other than 2 border segments) first, then close the loops.
    starts = sorted(neighbours, key=lambda p: (len(neighbours[p]) == 2, p))
    for start in starts:
        for nxt in sorted(neighbours[start]):
            if frozenset((start, nxt)) in seen:
                continue
            line = [start]
            here, step = start, nxt
            while True:
                seen.add(frozenset((here, step)))
                line.append(step)
                onward = [p for p in neighbours[step] if frozenset((step, p)) not in seen]
                if len(neighbours[step]) != 2 or not onward:
                    break
                here, step = step, onward[0]
            lines.append([list(p) for p in line])
    return lines


def build(source):
    collection = json.loads(Path(source).read_text(encoding="utf-8"))
    regencies = {f["properties"]["code"]: polygons(f["geometry"]) for f in collection["features"]}
    meta = collection["metadata"]
    data = {
        "source": meta["source"],
        "license": meta["license"],
        "level": meta["level"],
        "grid_deg": meta["grid_deg"],
        "regencies": dict(sorted(regencies.items())),
        "province_borders": province_borders(regencies),
    }
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    with OUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
        packed.write(text.encode())
    return len(regencies), len(data["province_borders"]), len(text), OUT.stat().st_size


if __name__ == "__main__":
    count, borders, size, packed = build(sys.argv[1])
    print(f"{count} regencies, {borders} province border lines, {size} B JSON, {packed} B gzip -> {OUT}")
