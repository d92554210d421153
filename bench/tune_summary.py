"""A `framewise tune --json` report as the tables bench/RESULTS.md shows.

    python3 bench/tune_summary.py tune.json
"""
import json
import os
import sys

r = json.load(open(sys.argv[1]))
name = os.path.basename
print(f"search: {', '.join(map(name, r['searchVideos']))}; held out: {', '.join(map(name, r['heldOutVideos']))}")
print("\n| stage | candidate | ms at " + " / ".join(f"b={e['batchSize']}" for e in r['stages'][0]['candidates'][0]['profile']['entries'])
      + " | agreement |\n| --- | --- | --- | ---: |")
for s in r["stages"]:
    for c in s["candidates"]:
        label = (c["variant"] + (f" {c['inputSize'][0]}x{c['inputSize'][1]}" if c.get("inputSize") else "")
                 + (f" dynamic width ~{c['dynamicWidth']}" if c.get("dynamicWidth") else "") + f" {c['threads']}t")
        ms = " / ".join(f"{e['latencyMean'] * 1000:.1f}" for e in c["profile"]["entries"])
        print(f"| {s['name']} | {label} | {ms} | {c['agreement']:.3f} |")
print("\n| sampling | frames/video | decode s/video | summary agreement |\n| --- | ---: | ---: | ---: |")
for s in r["samplings"]:
    print(f"| {s['policy']} | {s['framesPerVideo']:.1f} | {s['decodeSeconds']:.3f} | {s['agreement']:.3f} |")
def choices(p):
    return "; ".join(f"{c['stage']}: {c['variant']}" + (f" {c['inputSize'][0]}x{c['inputSize'][1]}" if c.get("inputSize") else "")
                     + (f" dynamic width ~{c['dynamicWidth']}" if c.get("dynamicWidth") else "")
                     + f" batch {c['batch']}" for c in p["stages"]) + f"; sampling {p['sampling']}"
print(f"\nreference: {choices(r['reference'])}\ntuned:     {choices(r['tuned'])}")
print("\n| config | predicted core-s/video (search) | predicted ms/frame | predicted core-s/video (held-out) | measured core-s/video "
      "| predicted / measured | measured videos/s | summary fields agreeing | frames agreeing per stage |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for label, plan, m in (("shipped", r["reference"], r["measuredReference"]), ("tuned", r["tuned"], r["measuredTuned"])):
    stages = ", ".join(f"{k} {v:.3f}" for k, v in sorted(m["stageAgreement"].items()))
    print(f"| {label} | {plan['costPerVideo']:.3f} | {plan['latency'] * 1000:.1f} | {m['predictedCostPerVideo']:.3f} | {m['costPerVideo']:.3f} "
          f"| {m['predictedCostPerVideo'] / m['costPerVideo'] - 1:+.0%} | {m['videosPerSecond']:.2f} | {m['summaryAgreement']:.3f} | {stages} |")
for label, m in (("shipped", r["measuredReference"]), ("tuned", r["measuredTuned"])):
    if m.get("predictedVideoLatency") is not None and m.get("videoLatencyP50") is not None:
        print(f"{label} per video, one held-out video alone: predicted {m['predictedVideoLatency']:.2f} s, "
              f"measured p50 {m['videoLatencyP50']:.2f} s, p99 {m['videoLatencyP99']:.2f} s")
for f in r["fallbacks"]:
    print(f"fallback: {f}")
for n in r["notes"]:
    print(f"note: {n}")
