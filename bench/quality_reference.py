#!/usr/bin/env python3
"""The reference tools `make bench` times beside `mlx validate`, `mlx profile` and `mlx drift`.

Each subcommand reads the CSV with pandas, as those tools' users do, and does the same job the
mlx command does:

  pandera SCHEMA CSV     validate with pandera, the schema translated to idiomatic (vectorised)
                         pandera checks: dtypes, required, unique, minimum, maximum, enum,
                         the primary key and the row count
  ge SCHEMA CSV          validate with Great Expectations: the same constraints as expectations
  describe CSV           a profile with pandas: count, missing, min, max, mean, std, quantiles,
                         distinct counts, top values of text columns
  evidently BASE CUR     evidently's data-drift report (DataDriftPreset) between two CSVs

Prints one JSON line: {"ok": bool, "rows": N, ...}. Exit 0 when the tool ran.
"""
import json
import sys

import yaml

DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool", "string": "string",
          "date": "datetime64[ns]", "datetime": "datetime64[ns]"}
DATES = ("date", "datetime")


def load_schema(path):
    with open(path) as handle:
        schema = yaml.safe_load(handle)
    key = schema.get("primaryKey", [])
    return schema, [key] if isinstance(key, str) else key


def read(path, schema=None):
    import pandas as pd

    dtypes, dates = None, None
    if schema:
        fields = schema["fields"]
        dtypes = {field["name"]: DTYPES.get(field.get("type", "string"), "string")
                  for field in fields if field.get("type") not in DATES}
        dates = [field["name"] for field in fields if field.get("type") in DATES]
    return pd.read_csv(path, dtype=dtypes, parse_dates=dates or None)


def bound(field, value):
    """A Table Schema minimum or maximum as pandas compares it (dates as timestamps)."""
    if field.get("type") in DATES:
        import pandas as pd
        return pd.Timestamp(value)
    return value


def pandera(schema_path, data_path):
    import pandera.pandas as pa

    schema, primary_key = load_schema(schema_path)
    columns = {}
    for field in schema["fields"]:
        constraints = field.get("constraints", {}) or {}
        checks = []
        if "minimum" in constraints:
            checks.append(pa.Check.ge(bound(field, constraints["minimum"])))
        if "maximum" in constraints:
            checks.append(pa.Check.le(bound(field, constraints["maximum"])))
        if "enum" in constraints:
            checks.append(pa.Check.isin(constraints["enum"]))
        if "pattern" in constraints:
            checks.append(pa.Check.str_matches(f"^(?:{constraints['pattern']})$"))
        required = constraints.get("required", False) or field["name"] in primary_key
        columns[field["name"]] = pa.Column(
            DTYPES.get(field.get("type", "string"), "string"), checks=checks,
            nullable=not required, unique=constraints.get("unique", False))
    rows = schema.get("rows", {}) or {}
    table_checks = [pa.Check(lambda frame: len(frame) >= rows["minimum"])] if "minimum" in rows else []
    frame = read(data_path, schema)
    try:
        pa.DataFrameSchema(columns, checks=table_checks, strict=True).validate(frame, lazy=True)
        ok = True
    except pa.errors.SchemaErrors:
        ok = False
    print(json.dumps({"ok": ok, "rows": len(frame)}))


def great_expectations(schema_path, data_path):
    import great_expectations as gx

    schema, primary_key = load_schema(schema_path)
    frame = read(data_path, schema)
    context = gx.get_context(mode="ephemeral")
    batch = (context.data_sources.add_pandas("bench").add_dataframe_asset("table")
             .add_batch_definition_whole_dataframe("all")
             .get_batch(batch_parameters={"dataframe": frame}))
    suite = gx.ExpectationSuite(name="table")
    expect = gx.expectations
    suite.add_expectation(expect.ExpectTableColumnsToMatchOrderedList(
        column_list=[field["name"] for field in schema["fields"]]))
    rows = schema.get("rows", {}) or {}
    if "minimum" in rows:
        suite.add_expectation(expect.ExpectTableRowCountToBeBetween(min_value=rows["minimum"]))
    for field in schema["fields"]:
        name = field["name"]
        constraints = field.get("constraints", {}) or {}
        if constraints.get("required") or name in primary_key:
            suite.add_expectation(expect.ExpectColumnValuesToNotBeNull(column=name))
        if constraints.get("unique") or primary_key == [name]:
            suite.add_expectation(expect.ExpectColumnValuesToBeUnique(column=name))
        if "minimum" in constraints or "maximum" in constraints:
            suite.add_expectation(expect.ExpectColumnValuesToBeBetween(
                column=name, min_value=constraints.get("minimum"),
                max_value=constraints.get("maximum")))
        if "pattern" in constraints:
            suite.add_expectation(expect.ExpectColumnValuesToMatchRegex(
                column=name, regex=f"^(?:{constraints['pattern']})$"))
        if "enum" in constraints:
            suite.add_expectation(expect.ExpectColumnValuesToBeInSet(
                column=name, value_set=constraints["enum"]))
    result = batch.validate(suite)
    print(json.dumps({"ok": bool(result.success), "rows": len(frame)}))


def describe(data_path):
    frame = read(data_path)
    numeric = frame.select_dtypes("number")
    summary = numeric.describe(percentiles=[0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
    distinct = frame.nunique()
    top = {name: frame[name].value_counts().head(10).to_dict()
           for name in frame.columns if name not in numeric.columns}
    print(json.dumps({"ok": True, "rows": len(frame), "columns": len(summary.columns),
                      "distinct": int(distinct.sum()), "top": len(top)}))


def evidently(baseline_path, current_path):
    from evidently import Report
    from evidently.presets import DataDriftPreset

    baseline, current = read(baseline_path), read(current_path)
    snapshot = Report([DataDriftPreset()]).run(reference_data=baseline, current_data=current)
    result = snapshot.dict()
    print(json.dumps({"ok": True, "rows": len(current), "metrics": len(result.get("metrics", []))}))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"pandera": pandera, "ge": great_expectations, "describe": describe,
     "evidently": evidently}[command](*arguments)
