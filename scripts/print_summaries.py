"""Prints each video's status and summary from a Framewise JSONL results file."""
import json
import sys

for line in open(sys.argv[1]):
    r = json.loads(line)
    name = r["video"].rsplit("/", 1)[-1]
    if r["status"] != "ok":
        print(f"  {name}: FAILED: {r.get('error')}")
        continue
    s = r["stats"]
    summary = ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r["summary"].items())
    print(f"  {name}: {s['sampled_frames']} frames ({s['decoded_frames']} decoded): {summary}")
