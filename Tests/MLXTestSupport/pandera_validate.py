#!/usr/bin/env python3
"""Validates a CSV, TSV or JSON Lines file against a Frictionless Table Schema with pandas and
pandera.

The reference `mlx validate` is checked against (tests) and timed beside (`make bench`): the
Table Schema is turned into the equivalent pandera DataFrameSchema — each type's lexical
form, each constraint, the primary key, and mlx's `rows` and `maxMissingFraction` — and
pandas reads the file (every cell as text, the schema's missing values as NA). A JSON Lines
file is read line by line with Python's json module (pandas.read_json turns 1 into 1.0, which
would hide an integer field's fractions): each value of the kind its field's type takes
(numbers for integer and number, true/false for boolean, strings for string, date and datetime)
becomes its text, null or an absent key NA, and any other value a text no type accepts.

Usage: pandera_validate.py SCHEMA DATA
Prints one JSON line: {"valid": bool, "rows": N, "failed": [column or "*" for the table]}.
"""
import csv
import datetime
import json
import math
import re
import sys

import pandas as pd
import pandera.pandas as pa
import yaml

INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
DATETIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(Z|([+-])([0-9]{2}):([0-9]{2}))?")
TRUE = {"true", "True", "TRUE", "1"}
# Marks a JSON value of the wrong kind for its field: every type rejects it.
MISMATCH = "\ue000mismatch:"
FALSE = {"false", "False", "FALSE", "0"}


def as_date(text):
    match = DATE.fullmatch(text)
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def as_datetime(text):
    match = DATETIME.fullmatch(text)
    if not match or as_date(match[1]) is None:
        return None
    hour, minute, second = int(match[2]), int(match[3]), int(match[4])
    if hour > 23 or minute > 59 or second > 60:
        return None
    if match[7] and (int(match[8]) > 23 or int(match[9]) > 59):
        return None
    day = as_date(match[1])
    value = (day - datetime.date(1970, 1, 1)).days * 86400 + hour * 3600 + minute * 60 + second
    value += float(match[5]) if match[5] else 0
    if match[7]:
        offset = int(match[8]) * 3600 + int(match[9]) * 60
        value += -offset if match[7] == "+" else offset
    return value


def as_number(text):
    if text in ("NaN",):
        return math.nan
    if text in ("INF", "+INF"):
        return math.inf
    if text == "-INF":
        return -math.inf
    if not NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def typed(kind, text):
    """The value of `text` as the field type, or None when it is not one."""
    if text.startswith(MISMATCH):
        return None
    if kind in ("string", "any"):
        return text
    if kind == "integer":
        return int(text) if INTEGER.fullmatch(text) else None
    if kind == "number":
        return as_number(text)
    if kind == "boolean":
        return True if text in TRUE else False if text in FALSE else None
    if kind == "date":
        return as_date(text)
    if kind == "datetime":
        return as_datetime(text)
    raise ValueError(kind)


def is_utf8(text):
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def column(field, primary_key):
    kind = field.get("type", "string")
    constraints = field.get("constraints", {}) or {}
    required = constraints.get("required", False) or field["name"] in primary_key
    checks = [pa.Check(lambda text, kind=kind: typed(kind, text) is not None, element_wise=True,
                       name="type")]
    if kind in ("string", "any"):
        checks.append(pa.Check(is_utf8, element_wise=True, name="encoding"))
    for key, holds in (("minimum", lambda v, b: v >= b), ("maximum", lambda v, b: v <= b)):
        if key in constraints:
            bound = typed(kind, str(constraints[key]))
            checks.append(pa.Check(
                lambda text, kind=kind, bound=bound, holds=holds:
                    typed(kind, text) is None or holds(typed(kind, text), bound),
                element_wise=True, name=key))
    if "enum" in constraints:
        allowed = [typed(kind, str(value)) for value in constraints["enum"]]
        checks.append(pa.Check(lambda text, kind=kind, allowed=allowed:
                               typed(kind, text) in allowed, element_wise=True, name="enum"))
    if "pattern" in constraints:
        pattern = re.compile(constraints["pattern"])
        checks.append(pa.Check(lambda text, pattern=pattern: pattern.fullmatch(text) is not None,
                               element_wise=True, name="pattern"))
    if "minLength" in constraints or "maxLength" in constraints:
        checks.append(pa.Check.str_length(constraints.get("minLength"),
                                          constraints.get("maxLength"), name="length"))
    limit = field.get("maxMissingFraction")
    if limit is not None:
        checks.append(pa.Check(lambda series, limit=limit: series.isna().mean() <= limit,
                               ignore_na=False, name="maxMissingFraction"))
    return pa.Column(str, nullable=not required, unique=constraints.get("unique", False),
                     checks=checks, coerce=False, required=True)


def main(schema_path, data_path):
    with open(schema_path) as handle:
        schema = yaml.safe_load(handle)
    primary_key = schema.get("primaryKey", [])
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    default_limit = schema.get("maxMissingFraction")
    fields = schema["fields"]
    for field in fields:
        if default_limit is not None and "maxMissingFraction" not in field:
            field["maxMissingFraction"] = default_limit
    table_checks = []
    rows = schema.get("rows", {}) or {}
    if "minimum" in rows:
        table_checks.append(pa.Check(lambda frame: len(frame) >= rows["minimum"], name="rows"))
    if "maximum" in rows:
        table_checks.append(pa.Check(lambda frame: len(frame) <= rows["maximum"], name="rows"))
    frame_schema = pa.DataFrameSchema(
        {field["name"]: column(field, primary_key) for field in fields},
        checks=table_checks, strict=True,
        unique=primary_key if len(primary_key) > 1 else None)
    missing = [str(value) for value in schema.get("missingValues", [""])]
    tsv = data_path.endswith((".tsv", ".tab"))
    if data_path.endswith((".jsonl", ".ndjson")):
        frame = read_json_lines(data_path, fields)
        if frame is None:
            print(json.dumps({"valid": False, "rows": None, "failed": ["*"]}))
            return
    else:
        frame = read_delimited(data_path, missing, tsv)
        if frame is None:
            return
    failed = set()
    try:
        frame_schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        names = {field["name"] for field in fields}
        for _, case in errors.failure_cases.iterrows():
            if case["check"] in ("column_in_schema", "column_in_dataframe"):
                # A column the schema lacks, or a field the file lacks: named by the case.
                failed.add(str(case["failure_case"]))
            elif isinstance(case["column"], str) and case["column"] in names:
                failed.add(case["column"])
            else:
                failed.add("*")
    print(json.dumps({"valid": not failed, "rows": len(frame), "failed": sorted(failed)}))


def read_delimited(data_path, missing, tsv):
    """The CSV or TSV file as text cells; None (the verdict printed) when it does not parse."""
    try:
        return pd.read_csv(
            data_path, dtype=str, keep_default_na=False, na_values=missing,
            sep="\t" if tsv else ",", quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL,
            encoding="utf-8-sig", encoding_errors="surrogateescape", skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        print(json.dumps({"valid": False, "rows": None, "failed": ["*"], "error": str(error)}))
        return None


def json_text(kind, value):
    """A JSON value as the text its field's checks read, or None for null."""
    if value is None:
        return None
    if kind == "any":
        return value if isinstance(value, str) else json.dumps(value)
    if kind in ("integer", "number"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, str)
    if not ok:
        return MISMATCH + json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def read_json_lines(data_path, fields):
    """The JSON Lines file as a frame of texts; None when a line is not one JSON object."""
    kinds = {field["name"]: field.get("type", "string") for field in fields}
    records = []
    with open(data_path, encoding="utf-8-sig") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                return None
            if not isinstance(record, dict):
                return None
            records.append(
                {key: json_text(kinds.get(key, "any"), value) for key, value in record.items()})
    frame = pd.DataFrame(records, dtype=object)
    for name in kinds:
        if name not in frame.columns:
            frame[name] = pd.Series([None] * len(frame), dtype=object)
    return frame


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
