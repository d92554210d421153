import Foundation

/// The HTML of `/ui`: a static shell (inline CSS, a 20-line script, no CDN) around the live part
/// (the jobs table and the report's charts),
/// which `/ui/events` replaces every few seconds with a fresh render.
enum LivePage {
    /// The live part: the jobs table and the charts of the window.
    static func live(jobs: [JobSnapshot], activity: RecentActivity, slo: Double?, now: Date = Date()) -> String {
        let (finished, samples) = activity.snapshot(now: now)
        var rows = ""
        for job in jobs {
            let percent = Int((job.progress * 100).rounded())
            rows += "<tr class=\"job\" data-state=\"\(job.state.rawValue)\"><td><code>\(LiveCharts.escape(job.id))</code></td>"
                + "<td>\(LiveCharts.escape(job.pipeline))</td><td class=\"state \(job.state.rawValue)\">\(job.state.rawValue)</td>"
                + "<td><progress max=\"100\" value=\"\(percent)\"></progress> \(job.ok + job.failed)/\(job.total)</td>"
                + "<td>\(job.ok)</td><td>\(job.failed)</td><td>\(job.running)</td></tr>"
        }
        if jobs.isEmpty { rows = "<tr><td colspan=\"7\">no jobs yet</td></tr>" }
        let minutes = Int((activity.window / 60).rounded())
        return "<section id=\"jobs\"><h2>Jobs</h2><table><thead><tr><th>job</th><th>pipeline</th><th>state</th><th>progress</th>"
            + "<th>ok</th><th>failed</th><th>running</th></tr></thead><tbody>\(rows)</tbody></table></section>"
            + "<section id=\"charts\"><h2>Last \(minutes) minutes</h2><div class=\"grid\">"
            + LiveCharts.throughput(finished, now: now, window: activity.window)
            + LiveCharts.inFlight(samples, now: now, window: activity.window)
            + LiveCharts.latencyCDF(finished, slo: slo)
            + LiveCharts.timeSplit(finished)
            + LiveCharts.batchSizes(finished)
            + "</div></section>"
            + String(format: "<p class=\"updated\" data-time=\"%.0f\">updated %@</p>", now.timeIntervalSince1970, ISO8601DateFormatter().string(from: now))
    }

    /// The whole page, with `live` inside.
    static func page(live: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Framewise live</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
        h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
        table { border-collapse: collapse; } th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
        .grid { display: flex; flex-wrap: wrap; gap: 16px; }
        figure.chart { margin: 0; border: 1px solid #ddd; padding: 8px; background: #fff; } figcaption { font-weight: 600; font-size: 12px; margin: 2px 0 4px; } svg.chart { max-width: 100%; height: auto; }
        .state.failed { color: #c00; } .state.done { color: #080; } #status { color: #666; }
        </style></head>
        <body><h1>Framewise live</h1><p id="status">connecting…</p>
        <div id="live">\(live)</div>
        <script>
        (function () {
          var status = document.getElementById('status');
          var source = new EventSource('/ui/events');
          source.addEventListener('live', function (e) {
            document.getElementById('live').innerHTML = JSON.parse(e.data).html;
            status.textContent = 'live: updated every 2 s';
            document.body.setAttribute('data-updates', String(Number(document.body.getAttribute('data-updates') || 0) + 1));
          });
          source.onerror = function () { status.textContent = 'disconnected: retrying…'; };
        })();
        </script></body></html>
        """
    }
}
