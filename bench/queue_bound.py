"""What queueing alone costs at a load: an ideal server against the measured tail.

    python3 bench/queue_bound.py CAPACITY LIGHT_RATE LOAD_RATE DURATION [MEASURED_LIGHT_P99 MEASURED_LOAD_P99]

The ideal server does one video at a time, first come first served, each in exactly 1 / CAPACITY
seconds: the whole machine on one video at full throughput. No engine is faster alone (a video done
in less would let the machine exceed its capacity back to back), and for equal-sized jobs first come
first served gives the shortest tail. Poisson arrivals at each rate for DURATION seconds, as
`framewise load` offers them (ARRIVALS=uniform in the environment: evenly spaced, as `load --arrivals
uniform`, where an ideal server never queues); 2,000 such windows; the median and the 10th-90th percentile range of
each window's p99 (a window's p99 is what one measurement sees). Prints the ideal p99 ratio of the
loaded window to the light one: the smallest tail ratio any server reaches at that load.
"""
import os
import random
import statistics
import sys

UNIFORM = os.environ.get("ARRIVALS", "poisson") == "uniform"


def p99_of_window(rate, service, duration, rng):
    t, free, latencies = 0.0, 0.0, []
    while True:
        t += 1 / rate if UNIFORM else rng.expovariate(rate)
        if t > duration:
            break
        free = max(t, free) + service
        latencies.append(free - t)
    if not latencies:
        return service
    latencies.sort()
    return latencies[min(len(latencies) - 1, int(0.99 * (len(latencies) - 1) + 0.999999))]


def windows(rate, service, duration, n=2000, seed=1):
    rng = random.Random(seed)
    values = sorted(p99_of_window(rate, service, duration, rng) for _ in range(n))
    return statistics.median(values), values[n // 10], values[(9 * n) // 10]


def main():
    if len(sys.argv) not in (5, 7):
        sys.exit(__doc__)
    capacity, light, load, duration = map(float, sys.argv[1:5])
    service = 1 / capacity
    lm, l10, l90 = windows(light, service, duration)
    hm, h10, h90 = windows(load, service, duration)
    print(f"ideal server: 1 video at a time, {service * 1000:.0f} ms each ({capacity:.2f} videos/s), {'uniform' if UNIFORM else 'Poisson'}, {duration:.0f} s windows")
    print(f"  light {light:.2f}/s ({light / capacity:.0%}): p99 {lm:.3f} s (10-90%: {l10:.3f}-{l90:.3f})")
    print(f"  load  {load:.2f}/s ({load / capacity:.0%}): p99 {hm:.3f} s (10-90%: {h10:.3f}-{h90:.3f})")
    print(f"  ideal p99 ratio, load / light: {hm / lm:.2f}x")
    if len(sys.argv) == 7:
        ml, mh = float(sys.argv[5]), float(sys.argv[6])
        print(f"measured: light p99 {ml:.3f} s, load p99 {mh:.3f} s: {mh / ml:.2f}x; "
              f"the loaded p99 is {mh / hm:.2f}x the ideal server's, "
              f"and the ideal server's loaded p99 is {hm / ml:.2f}x the measured light p99")


if __name__ == "__main__":
    main()
