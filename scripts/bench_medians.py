"""Prints the medians of several `framewise bench --json` files (the machine is noisy)."""
import json
import statistics
import sys

runs = [json.load(open(p)) for p in sys.argv[1:]]
def med(f):
    values = [f(r) for r in runs if f(r) is not None]
    return statistics.median(values) if values else float("nan")

print(f"{runs[0]['pipeline']}: {len(runs)} runs of {runs[0]['videos']} videos on {runs[0]['cores']} cores (medians)")
for mode in ("naive", "optimized"):
    if mode in runs[0]:
        print(f"  {mode:9} {med(lambda r: r[mode]['videos_per_second']):.3f} videos/s  {med(lambda r: r[mode]['frames_per_second']):.1f} frames/s"
              f"  p50 {med(lambda r: r[mode]['p50_seconds']):.2f} s  p99 {med(lambda r: r[mode]['p99_seconds']):.2f} s")
print(f"  bound     {med(lambda r: r['bound']['videos_per_second']):.3f} videos/s"
      f"  (decode {med(lambda r: r['bound']['decode_seconds_per_video']):.3f} s/video + inference {med(lambda r: r['bound']['inference_seconds_per_video']):.3f} s/video)")
print(f"  speedup {med(lambda r: r['speedup']):.2f}x   bound fraction {med(lambda r: r['bound_fraction']):.2f}"
      f"   identical results: {all(r.get('identical_results') for r in runs)}")
