"""Reads a Prometheus text exposition on stdin with the official client's parser and prints
one JSON object: {"name{label=value,...}": value} for every sample (labels sorted), or exits 1
with the parser's error."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = {}
types = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    types[family.name] = family.type
    for sample in family.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
        samples[f"{sample.name}{{{labels}}}"] = sample.value
print(json.dumps({"samples": samples, "types": types}))
