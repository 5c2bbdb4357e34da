#!/usr/bin/env python3
"""Writes an N-stage serial line scenario to standard output (for `qosim check` at scale).

    bench/gen_line.py N [--products K] > line.yaml

The line is a source, N - 2 stages and a sink. The middle stages come in blocks of ten:
station, link, station, link, station, link, station, link, inspection, rework; the
inspection passes units on to the next block and sends failed ones to the rework station
(probability 0.9, which repairs them and returns them to the inspection) or to scrap (0.1,
remade at the source). Middle stages left over after the last whole block are stations.
Every station can damage a unit, every link can lose or damage one, so the absorbing chain
has defective states and loops all along the line. With --products K the source makes K
products of equal share (more order classes for the chain). N must be at least 3.
"""

import argparse
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of stages, source and sink included (>= 3)")
    ap.add_argument("--products", type=int, default=0, help="products of the source (default 0)")
    args = ap.parse_args()
    if args.n < 3:
        sys.exit("gen_line.py: N must be at least 3")
    out = sys.stdout
    w = out.write
    w(f"# A generated {args.n}-stage serial line (bench/gen_line.py {args.n}).\n")
    w(f"name: line{args.n}\ntime_unit: hour\n\n")
    w("run:\n  horizon: 1000\n  warmup: 0\n  replications: 1\n  seed: 1\n\n")
    if args.products > 0:
        share = 1.0 / args.products
        w("products:\n")
        for k in range(args.products):
            w(f"  p{k}: {{source: src, share: {share!r}}}\n")
        w("\n")
    w("stages:\n")
    w("  src:\n    type: source\n    interarrival: {dist: exponential, mean: 1}\n"
      "    on_scrap: remake\n")
    middle = args.n - 2
    names = []
    routes = []
    kinds = []
    for i in range(middle):
        block, pos = divmod(i, 10)
        if middle - block * 10 < 10:
            kind = "station"
        else:
            kind = ["station", "link"] * 4 + ["inspection", "rework"]
            kind = kind[pos]
        name = f"s{i}"
        names.append(name)
        kinds.append(kind)
        if kind == "station":
            w(f"  {name}:\n    type: station\n    servers: 1\n"
              "    service: {dist: exponential, mean: 0.5}\n    defect_prob: 0.0001\n")
        elif kind == "link":
            w(f"  {name}:\n    type: link\n    delay: {{dist: uniform, min: 1, max: 2}}\n"
              "    loss_prob: 0.00001\n    damage_prob: 0.0001\n")
        elif kind == "inspection":
            w(f"  {name}:\n    type: inspection\n    servers: 1\n    service: 0.2\n"
              "    detect_prob: 0.9\n    false_alarm_prob: 0.001\n")
        else:
            w(f"  {name}:\n    type: station\n    repairs: true\n    servers: 1\n"
              "    service: 0.3\n")
    w("  sink: {type: sink}\n\nroutes:\n")
    prev = "src"
    i = 0
    while i < middle:
        name, kind = names[i], kinds[i]
        if kind == "inspection":
            rework = names[i + 1]
            nxt = names[i + 2] if i + 2 < middle else "sink"
            routes.append(f"{{from: {prev}, to: {name}}}")
            routes.append(f"{{from: {name}, to: {nxt}, when: pass}}")
            routes.append(f"{{from: {name}, to: {rework}, when: fail, prob: 0.9}}")
            routes.append(f"{{from: {name}, to: scrap, when: fail, prob: 0.1}}")
            routes.append(f"{{from: {rework}, to: {name}}}")
            prev = None  # the pass route is already written
            i += 2
            continue
        if prev is not None:
            routes.append(f"{{from: {prev}, to: {name}}}")
        prev = name
        i += 1
    if prev is not None:
        routes.append(f"{{from: {prev}, to: sink}}")
    for r in routes:
        w(f"  - {r}\n")


if __name__ == "__main__":
    main()
