#!/usr/bin/env python3
"""Checks the schema documents of examples/ against schemas/strata.schema.json.

Usage: validate_examples.py REPO_ROOT

For every *.yaml, *.yml and *.toml file under examples/ (strata.toml settings
files excepted) it checks that:
  - the file parses and validates against the JSON Schema;
  - when X.yaml (or X.yml) and X.toml sit in the same folder, both spellings
    give the same data, so they load into the same model.
It also checks the JSON Schema itself: documents embedded below that strata
rejects must be rejected by the schema too, and sugar forms strata accepts must
be accepted.

Prints one line per check and a last line "N passed, M failed"; exits 1 when
anything failed, 2 on a usage error.

Needs Python 3.11 (tomllib) and the Debian packages python3-jsonschema and
python3-yaml.
"""

import json
import pathlib
import re
import sys
import tomllib

import jsonschema
import yaml

SCHEMA_PATH = pathlib.Path("schemas/strata.schema.json")
EXAMPLES_DIR = pathlib.Path("examples")
YAML_SUFFIXES = (".yaml", ".yml")
TOML_SUFFIXES = (".toml",)


# --- Reading documents the way strata does ---------------------------------

class StrataYamlLoader(yaml.SafeLoader):
    """PyYAML resolves plain scalars by YAML 1.1 rules (yes/no are booleans,
    2024-01-01 is a date). strata reads YAML 1.2 core scalars, which this loader
    copies: null, true/false in three spellings, decimal integers and floats;
    everything else stays a string. Duplicate keys are errors, as in strata."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f'duplicate key "{key}"', key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


StrataYamlLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", list("-+.0123456789")),
]:
    StrataYamlLoader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(pattern), first)


def plain_data(value):
    """TOML dates and times are read as text by strata; make them strings."""
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    if hasattr(value, "isoformat") and not isinstance(value, (str, int, float, bool)):
        return value.isoformat()
    return value


def parse(text, suffix):
    if suffix in TOML_SUFFIXES:
        return plain_data(tomllib.loads(text))
    return yaml.load(text, Loader=StrataYamlLoader)


# --- Comparing and reporting ------------------------------------------------

def first_difference(a, b, path="document"):
    """Where two parsed documents differ, or None. Stricter than ==, which
    takes True for 1 and 0 for 0.0: strata tells those apart."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r} against {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: present in only one spelling"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} against {b!r}"


def describe_error(error):
    where = "document"
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return f"{where}: {error.message}"


def schema_errors(validator, data):
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [describe_error(e) for e in errors]


# --- Documents the schema must reject or accept -----------------------------

MUST_REJECT = [
    ("unknown column key", "tables:\n  - name: t\n    columns:\n      - { name: id, typ: integer }\n"),
    ("column without a type", "tables:\n  - name: t\n    columns:\n      - { name: id }\n"),
    ("column type left empty", "tables:\n  - name: t\n    columns:\n      - { name: id, type: }\n"),
    ("unknown top-level key", "tables: []\nprocedures: []\n"),
    ("unknown table key", "tables:\n  - name: t\n    indxes: []\n    columns:\n      - { name: id, type: integer }\n"),
    ("table without columns", "tables:\n  - name: t\n"),
    ("table without a name", "tables:\n  - columns:\n      - { name: id, type: integer }\n"),
    ("columns written as a map", "tables:\n  - name: t\n    columns: { id: integer }\n"),
    ("nullable given as a string", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, nullable: 'yes' }\n"),
    ("default that is a list", "tables:\n  - name: t\n    columns:\n      - { name: n, type: integer, default: [1] }\n"),
    ("both default and default_sql", "tables:\n  - name: t\n    columns:\n      - { name: n, type: integer, default: 1, default_sql: '1 + 1' }\n"),
    ("generated column with a default", "tables:\n  - name: t\n    columns:\n      - { name: n, type: integer, generated: '2 * 3', default: 1 }\n"),
    ("generated map without expr", "tables:\n  - name: t\n    columns:\n      - { name: n, type: integer, generated: { stored: true } }\n"),
    ("nullable primary key column", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true, nullable: true }\n"),
    ("misspelled referential action", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n      - { name: p, type: integer, references: { table: t, column: id, on_delete: set nul } }\n"),
    ("reference without a table", "tables:\n  - name: t\n    columns:\n      - { name: p, type: integer, references: { column: id } }\n"),
    ("initially_deferred without deferrable", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n      - { name: p, type: integer, references: { table: t, initially_deferred: true } }\n"),
    ("index columns as a bare string", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text }\n    indexes:\n      - { columns: a }\n"),
    ("index with no keys", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text }\n    indexes:\n      - { columns: [] }\n"),
    ("index key with column and expr", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text }\n    indexes:\n      - { columns: [{ column: a, expr: lower(a) }] }\n"),
    ("index key with neither column nor expr", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text }\n    indexes:\n      - { columns: [{ desc: true }] }\n"),
    ("foreign key without references", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer }\n    foreign_keys:\n      - { columns: [a] }\n"),
    ("check without expr", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer }\n    checks:\n      - { name: positive }\n"),
    ("view without sql", "views:\n  - { name: v }\n"),
    ("trigger without a table", "triggers:\n  - { name: tr, sql: 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END' }\n"),
    ("TOML: unknown column key", '[[tables]]\nname = "t"\ncolumns = [{ name = "id", type = "integer", nullabel = true }]\n', ".toml"),
    ("TOML: trigger with an unknown key", '[[tables]]\nname = "t"\ncolumns = [{ name = "id", type = "integer" }]\n\n[[triggers]]\nname = "tr"\ntable = "t"\nsql = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"\nwhen = "after"\n', ".toml"),
]

MUST_ACCEPT = [
    ("an empty table list", "tables: []\n"),
    ("primary key as one name", "tables:\n  - name: t\n    primary_key: id\n    columns:\n      - { name: id, type: integer }\n"),
    ("named composite primary key", "tables:\n  - name: t\n    primary_key: { name: pk_t, columns: [a, b] }\n    columns:\n      - { name: a, type: integer }\n      - { name: b, type: integer }\n"),
    ("generated as an expression", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer }\n      - { name: b, type: integer, generated: a * 2 }\n"),
    ("literal defaults of every kind", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text, default: hi }\n      - { name: b, type: real, default: 1.5 }\n      - { name: c, type: boolean, default: false }\n      - { name: d, type: integer, nullable: true, default: null }\n"),
    ("actions in any case, with underscores", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n      - { name: p, type: integer, references: { table: t, columns: [id], on_delete: SET_NULL, on_update: No Action } }\n"),
    ("deferrable reference", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n      - { name: p, type: integer, references: { table: t, deferrable: true, initially_deferred: true } }\n"),
    ("index keys of every form", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text }\n    indexes:\n      - { columns: [a, { column: a, desc: true, collation: NOCASE }, { expr: lower(a) }], where: a IS NOT NULL }\n"),
    ("foreign key with one column written bare", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n      - { name: p, type: integer }\n    foreign_keys:\n      - { columns: p, references: { table: t, column: id } }\n"),
    ("verbatim type", "tables:\n  - name: t\n    columns:\n      - { name: a, type: MEDIUMTEXT }\n"),
    ("view with column names", "views:\n  - { name: v, columns: [x], sql: SELECT 1 }\n"),
]


# --- Main -------------------------------------------------------------------

def main(argv):
    if len(argv) != 2:
        print("usage: validate_examples.py REPO_ROOT", file=sys.stderr)
        return 2
    root = pathlib.Path(argv[1])
    passed = failed = 0

    def report(ok, label, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok    {label}")
        else:
            failed += 1
            print(f"FAIL  {label}: {detail}")

    schema_file = root / SCHEMA_PATH
    try:
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        jsonschema.Draft7Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        report(False, str(SCHEMA_PATH), str(e).splitlines()[0])
        print(f"{passed} passed, {failed} failed")
        return 1
    report(True, f"{SCHEMA_PATH} is a valid draft-07 JSON Schema")
    validator = jsonschema.Draft7Validator(schema)

    files = sorted(
        p for p in (root / EXAMPLES_DIR).rglob("*")
        if p.is_file() and p.suffix in YAML_SUFFIXES + TOML_SUFFIXES and p.name != "strata.toml"
    )
    if not files:
        report(False, str(EXAMPLES_DIR), "no *.yaml, *.yml or *.toml files found")

    parsed = {}
    for path in files:
        label = str(path.relative_to(root))
        try:
            data = parse(path.read_text(encoding="utf-8"), path.suffix)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, tomllib.TOMLDecodeError) as e:
            report(False, label, "cannot parse: " + " ".join(str(e).split()))
            continue
        parsed[path] = data
        errors = schema_errors(validator, data)
        report(not errors, label, "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""))

    for path in files:
        if path.suffix not in TOML_SUFFIXES:
            continue
        for suffix in YAML_SUFFIXES:
            twin = path.with_suffix(suffix)
            if twin not in parsed or path not in parsed:
                continue
            label = f"{twin.relative_to(root)} and {path.name} hold the same schema"
            difference = first_difference(parsed[twin], parsed[path])
            report(difference is None, label, difference or "")

    for case in MUST_REJECT:
        name, text = case[0], case[1]
        suffix = case[2] if len(case) > 2 else ".yaml"
        try:
            data = parse(text, suffix)
        except (yaml.YAMLError, tomllib.TOMLDecodeError) as e:
            report(False, f"rejects {name}", "the test document does not parse: " + " ".join(str(e).split()))
            continue
        report(bool(schema_errors(validator, data)), f"rejects {name}", "the schema accepted it")

    for name, text in MUST_ACCEPT:
        errors = schema_errors(validator, parse(text, ".yaml"))
        report(not errors, f"accepts {name}", "; ".join(errors[:3]))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
