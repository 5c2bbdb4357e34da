#!/usr/bin/env python3
"""The JSON Schema of the scenario format against the loader, both ways.

usage: schema_test.py QOSIM REPO

1. qosim.schema.json at the repository root is exactly what `qosim schema` prints.
2. Every bundled scenario starts with the yaml-language-server line naming that file.
3. Every bundled scenario and every tests/data/good scenario is valid under the schema (and
   `qosim check` accepts it).
4. Mutations of those scenarios that the loader must refuse (an unknown key in every map, a
   wrong type for every value, out-of-range values, a key of one stage type used on another)
   are refused by both `qosim check` (exit 2) and the schema.
5. Wherever the schema refuses a mutation (a value of -1, 1.5 or text put in every place),
   `qosim check` refuses it too: the schema is never stricter than the loader, so an editor
   never marks a scenario wrong that qosim runs.

Scenarios are read as YAML 1.2 (core schema) as yaml-cpp and yaml-language-server read them:
`1e9` is a number and `yes`/`on` are text.
"""

import concurrent.futures
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

HEADER = "# yaml-language-server: $schema=../qosim.schema.json"


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's booleans, ints and floats."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float", "tag:yaml.org,2002:int")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _int12(loader, node):
    text = loader.construct_scalar(node)
    return int(text, 0) if text.lstrip("+-")[:2] in ("0o", "0x") else int(text)


def _float12(loader, node):
    return float(loader.construct_scalar(node).replace(".inf", "inf").replace(".Inf", "inf"))


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int12)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _float12)


def load_yaml(text):
    return yaml.load(text, Loader=Yaml12Loader)


failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def main():
    qosim, repo = sys.argv[1], sys.argv[2]
    committed_path = os.path.join(repo, "qosim.schema.json")
    printed = subprocess.run([qosim, "schema"], check=True, capture_output=True, text=True).stdout
    with open(committed_path, encoding="utf-8") as f:
        committed = f.read()
    if committed != printed:
        fail("qosim.schema.json differs from `qosim schema`; regenerate it with "
             "scripts/update-schema.sh (and commit it)")
    schema = json.loads(printed)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    scenario_dir = os.path.join(repo, "scenarios")
    good_dir = os.path.join(repo, "tests", "data", "good")
    files = [os.path.join(scenario_dir, n) for n in sorted(os.listdir(scenario_dir))
             if n.endswith(".yaml")]
    for path in files:
        with open(path, encoding="utf-8") as f:
            if f.readline().rstrip("\n") != HEADER:
                fail(f"{path}: the first line is not `{HEADER}`")
    files += [os.path.join(good_dir, n) for n in sorted(os.listdir(good_dir))
              if n.endswith(".yaml")]

    tmp = tempfile.mkdtemp(prefix="qosim-schema-")
    verdicts = {}  # dumped text -> qosim check accepts it

    def run_check(job):
        index, text = job
        scratch = os.path.join(tmp, f"mutant{index}.yaml")
        with open(scratch, "w", encoding="utf-8") as f:
            f.write(text)
        rc = subprocess.run([qosim, "check", scratch], capture_output=True).returncode
        os.remove(scratch)
        return text, rc

    def check_all(docs):
        """qosim check of each document (on 2 threads), cached by its text."""
        texts = [yaml.safe_dump(d, sort_keys=False, allow_unicode=True) for d in docs]
        todo = sorted({t for t in texts if t not in verdicts})
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for text, rc in pool.map(run_check, enumerate(todo)):
                if rc not in (0, 2):
                    fail(f"qosim check exited {rc} (neither valid nor invalid) on:\n{text}")
                verdicts[text] = rc == 0
        return [verdicts[t] for t in texts]

    def schema_errors(doc):
        return [e.message for e in validator.iter_errors(doc)]

    stage_keys = stage_keys_by_type(schema)
    counts = {"both refuse": 0, "schema-refused implies check-refused": 0}
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = load_yaml(f.read())
        name = os.path.relpath(path, repo)
        errors = schema_errors(doc)
        if errors:
            fail(f"{name}: the schema refuses a valid scenario: {errors[:3]}")
        if not check_all([doc])[0]:
            fail(f"{name}: qosim check refuses it (as dumped by the test)")
            continue

        # tests/data/good covers every key (full.yaml: each one away from its default); the
        # bundled scenarios get the key-level mutations, which is where they differ.
        every_value = path.startswith(good_dir)
        refuse = list(must_refuse(doc, stage_keys, every_value))
        counts["both refuse"] += len(refuse)
        for (what, mutant), accepted in zip(refuse, check_all([m for _, m in refuse])):
            by_schema = bool(schema_errors(mutant))
            if not (by_schema and not accepted):
                fail(f"{name}: {what}: schema {'refuses' if by_schema else 'ACCEPTS'}, "
                     f"qosim check {'ACCEPTS' if accepted else 'refuses'}")
        probes = [(w, m) for w, m in (value_probes(doc) if every_value else ())
                  if schema_errors(m)]
        counts["schema-refused implies check-refused"] += len(probes)
        for (what, mutant), accepted in zip(probes, check_all([m for _, m in probes])):
            if accepted:
                fail(f"{name}: {what}: the schema refuses it but qosim check accepts it "
                     f"({schema_errors(mutant)[:2]})")
    os.rmdir(tmp)
    print(f"{len(files)} scenarios; mutations: {counts}; qosim check runs: {len(verdicts)}")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    return 0


def stage_keys_by_type(schema):
    """{stage type: the keys its if/then branch allows}, read from the schema."""
    stage = schema["properties"]["stages"]["additionalProperties"]
    out = {}
    for branch in stage["allOf"]:
        t = branch["if"]["properties"]["type"]["const"]
        out[t] = set(branch["then"]["properties"])
    return out


# A valid value of each stage key, to put on a stage type that does not take it.
STAGE_SAMPLES = {
    "interarrival": 1, "due_in": 5, "on_scrap": "cancel",
    "products": {"p_one": {"share": 1}},
    "servers": 2, "service": 1, "queue": {"capacity": 3}, "cost": {"per_busy_hour": 1},
    "defect_prob": 0.1, "detect_prob": 0.9, "false_alarm_prob": 0.1, "repairs": True,
    "breakdowns": {"time_between": 10, "repair": 1},
    "shifts": {"cycle": 24, "servers": [{"from": 0, "to": 8, "servers": 1}]},
    "service_by_product": {}, "initial_wip": 1,
    "delay": 1, "loss_prob": 0.1, "damage_prob": 0.1, "retry": {"timeout": 1, "max": 1},
    "survey": {"response_rate": 0.5},
}

# Free-name maps: their keys are names (a variant's paths, a swept path, the products of a
# service_by_product), not schema keys; whether the name exists is the loader's cross-key check.
NAME_MAPS = re.compile(r"^(variants|sweep\.parameters|stages\.[^.]+\.service_by_product)(\.|$)")


def walk(node, path=()):
    """Every (path, value) in the document, parents first."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))


def get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def replaced(doc, path, value):
    out = copy.deepcopy(doc)
    get(out, path[:-1])[path[-1]] = value
    return out


def dotted(path):
    return ".".join(str(p) for p in path) or "(top level)"


def in_name_map(path):
    return NAME_MAPS.match(".".join(str(p) for p in path)) is not None


# Leaf and map mutations already made, by shape (a stage name stands for its type, a list
# index for any item): the same key of the same stage type follows the same rule everywhere.
SEEN = set()


def fresh(kind, doc, path):
    shape = []
    for i, p in enumerate(path):
        if i == 1 and path[0] == "stages":
            shape.append("stage:" + str(doc["stages"][p].get("type")))
        elif isinstance(p, int):
            shape.append("#")
        elif i > 0 and path[i - 1] in ("products", "service_by_product"):
            shape.append("*")
        else:
            shape.append(p)
    key = (kind, tuple(shape))
    if key in SEEN:
        return False
    SEEN.add(key)
    return True


def must_refuse(doc, stage_keys, every_value):
    """(description, mutant) pairs that the loader refuses and so must the schema; a wrong
    type for every value only when `every_value`."""
    for path, node in list(walk(doc)):
        if in_name_map(path):
            continue
        if isinstance(node, dict) and fresh("unknown key", doc, path):
            # An unknown key in every map (in `stages` and `targets` it is a stage that is not
            # a map, and a metric that does not exist).
            mutant = copy.deepcopy(doc)
            get(mutant, path)["bogus_key"] = 1
            yield f"unknown key bogus_key in {dotted(path)}", mutant
        if every_value and path and not isinstance(node, (dict, list)) and \
                fresh("wrong type", doc, path):
            # A wrong type: text for a number, a list for anything else.
            if isinstance(node, (int, float)) and not isinstance(node, bool):
                yield f"text at {dotted(path)}", replaced(doc, path, "abc")
            else:
                yield f"a list at {dotted(path)}", replaced(doc, path, [1, 2])
    for key, value in (("run", {"replications": 0}), ("run", {"seed": -1}),
                       ("run", {"horizon": -5}), ("time_unit", "fortnight")):
        if key == "time_unit":
            yield "time_unit: fortnight", replaced(doc, ("time_unit",), value)
            continue
        mutant = copy.deepcopy(doc)
        mutant[key].update(value)
        yield f"out of range: {key}.{list(value)[0]}={list(value.values())[0]}", mutant
    for i, route in enumerate(doc.get("routes", [])):
        if "prob" in route:
            yield f"routes.{i}.prob = 1.5", replaced(doc, ("routes", i, "prob"), 1.5)
            break
    seen = set()
    for name, stage in doc["stages"].items():
        t = stage["type"]
        if t in seen:
            continue
        seen.add(t)
        for numeric in ("servers", "loss_prob", "detect_prob", "defect_prob"):
            if numeric in stage:
                bad = 0 if numeric == "servers" else 1.5
                yield (f"out of range: stages.{name}.{numeric}={bad}",
                       replaced(doc, ("stages", name, numeric), bad))
        if t == "link":  # a nested key of another type: links' cost takes per_unit only
            mutant = copy.deepcopy(doc)
            mutant["stages"][name]["cost"] = {"per_busy_hour": 1}
            yield f"cost.per_busy_hour on the link stage {name}", mutant
        others = set().union(*stage_keys.values()) - stage_keys[t]
        for key in sorted(others):
            if key not in STAGE_SAMPLES:
                fail(f"schema_test.py: STAGE_SAMPLES has no value for the stage key `{key}`")
                continue
            if not fresh("other type's key " + key, doc, ("stages", name)):
                continue
            mutant = copy.deepcopy(doc)
            mutant["stages"][name][key] = STAGE_SAMPLES[key]
            yield f"`{key}` on the {t} stage {name}", mutant


def value_probes(doc):
    """Each scalar replaced by -1, 1.5 and text: kept only where the schema refuses."""
    for path, node in list(walk(doc)):
        if not path or isinstance(node, (dict, list)) or in_name_map(path) or \
                not fresh("probe", doc, path):
            continue
        for value in (-1, 1.5, "abc"):
            if value != node:
                yield f"{dotted(path)} = {value!r}", replaced(doc, path, value)


if __name__ == "__main__":
    sys.exit(main())
