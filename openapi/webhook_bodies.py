"""Every documented webhook body must be valid against its webhook's request schema in both forms
P100 may post: the flat payload and the FAQ's envelope {"event_type", "data"}. Validated with
jsonschema_rs (JSON Schema 2020-12, OpenAPI 3.1's dialect), the $refs resolved in the spec.

    openapi/.venv/bin/python openapi/webhook_bodies.py openapi/p100.openapi.json
"""

from __future__ import annotations

import json
import sys

import jsonschema_rs


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    failures, unexampled, checked = [], [], 0
    for name, hook in sorted(spec["webhooks"].items()):
        media = hook["post"]["requestBody"]["content"]["application/json"]
        pointer = f"#/webhooks/{name}/post/requestBody/content/application~1json/schema"
        validator = jsonschema_rs.Draft202012Validator({**spec, "$ref": pointer})
        examples = [e["value"] for e in media.get("examples", {}).values()]
        if not examples:
            unexampled.append(name)
        for example in examples:
            # An example documented in its envelope is checked as it is, and its payload flat.
            enveloped = isinstance(example, dict) and {"event_type", "data"} <= example.keys()
            flat = example["data"] if enveloped else example
            envelope = example if enveloped else {"event_type": name, "data": example}
            for form, body in (("flat", flat), ("envelope", envelope)):
                checked += 1
                errors = [e.message for e in validator.iter_errors(body)]
                if errors:
                    failures.append(f"{name} ({form}): {errors[0]}")
    for f in failures:
        print("FAIL", f)
    print(f"webhook bodies: {checked - len(failures)}/{checked} valid (flat and envelope)")
    print(
        f"  {len(unexampled)} of {len(spec['webhooks'])} events have no documented example: "
        + ", ".join(unexampled)
    )
    if not checked:
        print("FAIL no example checked")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
