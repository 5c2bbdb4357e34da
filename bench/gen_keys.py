#!/usr/bin/env python3
"""Writes a scenario with about K keys to standard output (for the loader's key lookups).

    bench/gen_keys.py [K] [--products | --unknown] > keys.yaml     (K defaults to 200000)

A key is every `name:` of a map, at any depth, in the file. The scenario is a source, a line
of stations and a sink: each station is written with eight keys (its name, type, servers,
queue.capacity, a {dist, mean} service and defect_prob) and each route with two (from, to),
so the number of stations is about K / 10. The stages map alone then has K / 10 entries and
every stage name is looked up by two routes, which is what made the loader quadratic.

With --products the keys are in one wide map instead: a three-stage line whose source makes
K / 2 products of equal share (each a name and a share key), so one map has K / 2 entries
and the chain has K / 2 order classes.

With --unknown the file is a minimal scenario plus K top-level keys the schema does not know:
an invalid file (exit 2) whose every key is reported with its place and a hint, which is what
the duplicate-key check and "did you mean" face in a hostile file.
"""

import argparse


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("keys", type=int, nargs="?", default=200000, help="about how many keys")
    ap.add_argument("--products", action="store_true", help="one wide map of products")
    ap.add_argument("--unknown", action="store_true", help="K unknown top-level keys")
    args = ap.parse_args()
    if args.unknown:
        lines = ["run: {horizon: 10}",
                 "stages: {src: {type: source, interarrival: 1}, sink: {type: sink}}",
                 "routes: [{from: src, to: sink}]"]
        lines += [f"junk{i}: 1" for i in range(args.keys)]
        print("\n".join(lines))
        return
    if args.products:
        count = max(1, args.keys // 2)
        lines = [f"# A generated scenario with about {args.keys} keys (bench/gen_keys.py "
                 "--products).", f"name: products{count}", "",
                 "run: {horizon: 100, warmup: 0, replications: 1, seed: 1}", "", "stages:",
                 "  src:", "    type: source", "    interarrival: 1", "    products:"]
        share = repr(1.0 / count)
        lines += [f"      p{i}: {{share: {share}}}" for i in range(count)]
        lines += ["  work: {type: station, service: 0.5}", "  sink: {type: sink}", "",
                  "routes:", "  - {from: src, to: work}", "  - {from: work, to: sink}"]
        print("\n".join(lines))
        return
    stations = max(1, (args.keys - 40) // 10)
    lines = [f"# A generated scenario with about {args.keys} keys (bench/gen_keys.py).",
             f"name: keys{args.keys}", "time_unit: hour", "",
             "run: {horizon: 100, warmup: 0, replications: 1, seed: 1}", "",
             "stages:",
             "  src: {type: source, interarrival: {dist: exponential, mean: 1}}"]
    for i in range(stations):
        lines.append(f"  st{i}: {{type: station, servers: 2, queue: {{capacity: 20}}, "
                     "service: {dist: exponential, mean: 0.5}, defect_prob: 0}")
    lines += ["  sink: {type: sink}", "", "routes:", "  - {from: src, to: st0}"]
    for i in range(1, stations):
        lines.append(f"  - {{from: st{i - 1}, to: st{i}}}")
    lines.append(f"  - {{from: st{stations - 1}, to: sink}}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
