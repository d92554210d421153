/// The report's stylesheet, inlined into the page (no external files).
public enum ReportStyle {
    public static let css = """
        :root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9dee3; --ok: #2f855a; --bad: #c0392b; --bg: #f7f9fa; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0; background: #fff; }
        header { padding: 20px 32px 12px; border-bottom: 1px solid var(--line); background: var(--bg); }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; }
        main { padding: 0 32px 40px; max-width: 1240px; }
        .sources { color: var(--muted); font-size: 12px; margin: 0; }
        .tiles { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
        .tile { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: #fff; min-width: 120px; }
        .tile .value { font-size: 18px; font-weight: 600; }
        .tile .name { color: var(--muted); font-size: 12px; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        svg.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; height: auto; }
        .note { color: var(--muted); font-size: 12px; margin: 4px 0; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
        th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
        th { background: var(--bg); font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .status-ok { color: var(--ok); font-weight: 600; }
        .status-failed { color: var(--bad); font-weight: 600; }
        .error { color: var(--bad); max-width: 360px; word-break: break-word; }
        .summary-field { white-space: nowrap; }
        .thumbs { display: flex; flex-wrap: wrap; gap: 8px; }
        figure.thumb { margin: 0; font-size: 11px; color: var(--muted); width: 240px; }
        .thumb-frame { position: relative; line-height: 0; }
        .thumb-frame img { width: 100%; height: auto; display: block; border-radius: 3px; }
        .thumb-frame svg { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
        figcaption { margin-top: 3px; line-height: 1.3; }
        """
}
