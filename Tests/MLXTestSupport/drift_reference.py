#!/usr/bin/env python3
"""Drift statistics of two CSV files by scipy and evidently: the reference `mlx drift` is
checked against (tests).

For every column the two files share, with NA cells dropped: a numeric column (pandas reads
it as numbers in both files) gets `scipy.stats.ks_2samp` with its defaults and evidently's
`psi` and `jensenshannon` stat tests as numerical features; any other column is read as text
and gets evidently's `chisquare`, `jensenshannon` and `psi` stat tests as categorical
features.

Usage: drift_reference.py BASELINE.csv CURRENT.csv [BASELINE.csv CURRENT.csv ...]
Prints one JSON object: {"results": [one per pair: {column: {"kind": "numeric" or
"categorical", "ks_statistic", "ks_pvalue", "psi", "js", "chi2_pvalue" (those that apply;
NaN as null)}}]}. Several pairs in one run pay for importing evidently once.
"""
import json
import math
import sys
import warnings

import pandas as pd
import pandas.core.dtypes.common as pandas_common

# evidently 0.7 imports a helper pandas 3 removed, in a module these tests never call.
if not hasattr(pandas_common, "infer_dtype_from_object"):
    pandas_common.infer_dtype_from_object = lambda dtype: dtype

from evidently.legacy.calculations.stattests.chisquare_stattest import _chi_stat_test  # noqa: E402
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon  # noqa: E402
from evidently.legacy.calculations.stattests.psi import _psi  # noqa: E402
from evidently.legacy.core import ColumnType  # noqa: E402
from scipy.stats import ks_2samp  # noqa: E402


def number(value):
    value = float(value)
    return None if math.isnan(value) else value


def compare(baseline_path, current_path):
    baseline = pd.read_csv(baseline_path)
    current = pd.read_csv(current_path)
    result = {}
    for column in baseline.columns:
        if column not in current.columns:
            continue
        reference = baseline[column].dropna()
        now = current[column].dropna()
        numeric = pd.api.types.is_numeric_dtype(baseline[column]) and \
            pd.api.types.is_numeric_dtype(current[column])
        if numeric:
            reference = reference.astype(float)
            now = now.astype(float)
            ks = ks_2samp(reference.to_numpy(), now.to_numpy())
            kind = ColumnType.Numerical
            result[column] = {
                "kind": "numeric",
                "ks_statistic": number(ks.statistic),
                "ks_pvalue": number(ks.pvalue),
            }
        else:
            reference = reference.astype(str)
            now = now.astype(str)
            kind = ColumnType.Categorical
            result[column] = {
                "kind": "categorical",
                "chi2_pvalue": number(_chi_stat_test(reference, now, kind, 0.05)[0]),
            }
        result[column]["psi"] = number(_psi(reference, now, kind, 0.1)[0])
        result[column]["js"] = number(_jensenshannon(reference, now, kind, 0.1)[0])
    return result


def main(paths):
    # scipy warns of the division by zero that makes chi-square infinite: the expected result.
    warnings.simplefilter("ignore")
    pairs = zip(paths[0::2], paths[1::2])
    print(json.dumps({"results": [compare(baseline, current) for baseline, current in pairs]}))


if __name__ == "__main__":
    main(sys.argv[1:])
