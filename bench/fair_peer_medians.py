"""Medians of bench/fair_peer.sh's rounds: engine vs the fair Python peer, and the bound fraction."""
import glob
import json
import statistics
import sys

out = sys.argv[1]
engine = [json.load(open(p)) for p in sorted(glob.glob(f"{out}/engine-*.json"))]
python = [json.load(open(p)) for p in sorted(glob.glob(f"{out}/python-*.json"))]
med = statistics.median
e_vps = med(r["optimized"]["videos_per_second"] for r in engine)
e_p50 = med(r["optimized"]["admitted_p50_seconds"] for r in engine)
e_p99 = med(r["optimized"]["admitted_p99_seconds"] for r in engine)
bound = med(r["bound_fraction"] for r in engine)
loose = med(r.get("decode_and_inference_bound_fraction", 0) for r in engine)
p_vps = med(r["videos_per_second"] for r in python)
p_p50 = med(r["latency_from_admission"]["p50"] for r in python)
p_p99 = med(r["latency_from_admission"]["p99"] for r in python)
print(f"{len(engine)} engine runs, {len(python)} Python runs, {engine[0]['videos']} videos, medians:")
print(f"  engine  {e_vps:.3f} videos/s  per-video latency from admission p50 {e_p50:.2f} s  p99 {e_p99:.2f} s  ({bound:.0%} of the bound; {loose:.0%} of decode + inference alone)")
print(f"  python  {p_vps:.3f} videos/s  per-video latency from admission p50 {p_p50:.2f} s  p99 {p_p99:.2f} s")
print(f"  engine / python: throughput {e_vps / p_vps:.2f}x, p99 {e_p99 / p_p99:.2f}x")
for r in engine:
    print(f"    engine run: {r['optimized']['videos_per_second']:.3f} videos/s, p99 {r['optimized']['admitted_p99_seconds']:.2f} s, bound {r['bound_fraction']:.0%} ({r.get('decode_and_inference_bound_fraction', 0):.0%} without preprocessing), "
          + ", ".join(f"{k} mean batch {v['mean_batch']:.2f}" for k, v in r["optimized"]["stages"].items()))
for r in python:
    print(f"    python run: {r['videos_per_second']:.3f} videos/s, p99 {r['latency_from_admission']['p99']:.2f} s")
