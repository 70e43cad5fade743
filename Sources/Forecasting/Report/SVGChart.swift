import Foundation

/// Small SVG charts drawn as text, so reports need no scripts, fonts or network.
enum SVGChart {
    static let palette = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563"]

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ x: Double) -> String { String(format: "%.1f", x) }

    /// A compact label for an amount: 12.3M, 450k, 87.
    static func amount(_ x: Double) -> String {
        let a = abs(x)
        if a >= 1e9 { return String(format: "%.1fB", x / 1e9) }
        if a >= 1e6 { return String(format: "%.1fM", x / 1e6) }
        if a >= 1e4 { return String(format: "%.0fk", x / 1e3) }
        if a >= 100 { return String(format: "%.0f", x) }
        return String(format: "%.2g", x)
    }

    /// Round tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = ceil(low / step) * step
        var result: [Double] = []
        while t <= high + step * 1e-9 { result.append(t); t += step }
        return result
    }

    struct Frame {
        var width = 720.0, height = 300.0, left = 70.0, right = 20.0, top = 20.0, bottom = 40.0
        var xLow: Double, xHigh: Double, yLow: Double, yHigh: Double
        func x(_ v: Double) -> Double { left + (v - xLow) / max(xHigh - xLow, 1e-300) * (width - left - right) }
        func y(_ v: Double) -> Double { height - bottom - (v - yLow) / max(yHigh - yLow, 1e-300) * (height - top - bottom) }
    }

    static func open(_ frame: Frame, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(number(frame.width)) \(number(frame.height))\" role=\"img\" aria-label=\"\(escape(title))\">"
    }

    static func yAxis(_ frame: Frame, format: (Double) -> String = amount) -> String {
        var out = ""
        for t in ticks(frame.yLow, frame.yHigh) {
            let y = number(frame.y(t))
            out += "<line x1=\"\(number(frame.left))\" x2=\"\(number(frame.width - frame.right))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#e5e7eb\"/>"
            out += "<text x=\"\(number(frame.left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"tick\">\(escape(format(t)))</text>"
        }
        return out
    }

    /// History as lines and the forecast as a fan: 95% and 80% bands and the expected path, per series.
    static func fan(series: [(name: String, history: [(Double, Double)], forecast: (x: Double, mean: Double, low80: Double, high80: Double, low95: Double, high95: Double)?)],
                    xLabels: [(Double, String)], title: String) -> String {
        let xs = series.flatMap { $0.history.map(\.0) + ($0.forecast.map { [$0.x] } ?? []) }
        let ys = series.flatMap { $0.history.map(\.1) + ($0.forecast.map { [$0.low95, $0.high95] } ?? []) }
        guard let xLow = xs.min(), let xHigh = xs.max(), let yMax = ys.max() else { return "" }
        let frame = Frame(xLow: xLow - 0.3, xHigh: xHigh + 0.3, yLow: min(0, ys.min() ?? 0), yHigh: yMax * 1.05)
        var out = open(frame, title: title) + yAxis(frame)
        for (x, label) in xLabels {
            out += "<text x=\"\(number(frame.x(x)))\" y=\"\(number(frame.height - 18))\" text-anchor=\"middle\" class=\"tick\">\(escape(label))</text>"
        }
        for (k, s) in series.enumerated() {
            let color = palette[k % palette.count]
            if let f = s.forecast, let last = s.history.last {
                let x0 = frame.x(last.0), x1 = frame.x(f.x), y0 = frame.y(last.1)
                for (low, high, opacity) in [(f.low95, f.high95, 0.15), (f.low80, f.high80, 0.3)] {
                    out += "<polygon class=\"band\" points=\"\(number(x0)),\(number(y0)) \(number(x1)),\(number(frame.y(high))) \(number(x1)),\(number(frame.y(low)))\" fill=\"\(color)\" fill-opacity=\"\(opacity)\"/>"
                }
                out += "<line x1=\"\(number(x0))\" y1=\"\(number(y0))\" x2=\"\(number(x1))\" y2=\"\(number(frame.y(f.mean)))\" stroke=\"\(color)\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>"
                out += "<circle cx=\"\(number(x1))\" cy=\"\(number(frame.y(f.mean)))\" r=\"3.5\" fill=\"\(color)\"/>"
            }
            let points = s.history.map { "\(number(frame.x($0.0))),\(number(frame.y($0.1)))" }.joined(separator: " ")
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            if let last = s.history.last {
                out += "<text x=\"\(number(frame.x(last.0) - 4))\" y=\"\(number(frame.y(last.1) - 8))\" text-anchor=\"end\" class=\"label\" fill=\"\(color)\">\(escape(s.name))</text>"
            }
        }
        return out + "</svg>"
    }

    /// Horizontal bars from 0 to each value (0…1 when `percent`), with a label per bar.
    /// `colorByOdds` colours probabilities green from even odds up and amber below.
    static func bars(_ items: [(label: String, value: Double)], title: String, percent: Bool = false, reference: Double? = nil,
                     colorByOdds: Bool = true) -> String {
        let rowHeight = 26.0
        let high = percent ? 1 : max(items.map(\.value).max() ?? 1, 1e-300)
        var frame = Frame(xLow: 0, xHigh: high, yLow: 0, yHigh: 1)
        frame.left = 170; frame.height = Double(items.count) * rowHeight + 50; frame.top = 10
        var out = open(frame, title: title)
        for t in ticks(0, high) {
            let x = number(frame.x(t))
            out += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"10\" y2=\"\(number(frame.height - 35))\" stroke=\"#e5e7eb\"/>"
            out += "<text x=\"\(x)\" y=\"\(number(frame.height - 18))\" text-anchor=\"middle\" class=\"tick\">\(percent ? String(format: "%.0f%%", t * 100) : amount(t))</text>"
        }
        for (k, item) in items.enumerated() {
            let y = 12 + Double(k) * rowHeight
            let color = percent && colorByOdds ? (item.value >= 0.5 ? "#16a34a" : "#d97706") : palette[0]
            out += "<text x=\"\(number(frame.left - 8))\" y=\"\(number(y + 9))\" text-anchor=\"end\" class=\"label\">\(escape(item.label))</text>"
            out += "<rect class=\"bar\" x=\"\(number(frame.x(0)))\" y=\"\(number(y))\" width=\"\(number(max(0, frame.x(max(0, item.value)) - frame.x(0))))\" height=\"18\" fill=\"\(color)\" rx=\"2\"/>"
            out += "<text x=\"\(number(frame.x(max(0, item.value)) + 4))\" y=\"\(number(y + 9))\" dominant-baseline=\"middle\" class=\"tick\">\(percent ? String(format: "%.0f%%", item.value * 100) : amount(item.value))</text>"
        }
        if let reference {
            let x = number(frame.x(reference))
            out += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"8\" y2=\"\(number(frame.height - 35))\" stroke=\"#111827\" stroke-dasharray=\"3 3\"/>"
        }
        return out + "</svg>"
    }

    /// Estimates with intervals, one row each (a dot-and-whisker chart), with a line at zero.
    static func intervals(_ items: [(label: String, estimate: Double, low: Double, high: Double, muted: Bool)], title: String) -> String {
        let rowHeight = 28.0
        let low = min(0, items.map(\.low).min() ?? 0), high = max(0, items.map(\.high).max() ?? 1)
        let pad = (high - low) * 0.05
        var frame = Frame(xLow: low - pad, xHigh: high + pad, yLow: 0, yHigh: 1)
        frame.left = 170; frame.height = Double(items.count) * rowHeight + 50; frame.top = 10
        var out = open(frame, title: title)
        for t in ticks(frame.xLow, frame.xHigh) {
            out += "<text x=\"\(number(frame.x(t)))\" y=\"\(number(frame.height - 18))\" text-anchor=\"middle\" class=\"tick\">\(amount(t))</text>"
        }
        let zero = number(frame.x(0))
        out += "<line x1=\"\(zero)\" x2=\"\(zero)\" y1=\"8\" y2=\"\(number(frame.height - 35))\" stroke=\"#111827\"/>"
        for (k, item) in items.enumerated() {
            let y = 20 + Double(k) * rowHeight
            let color = item.muted ? "#9ca3af" : palette[0]
            out += "<text x=\"\(number(frame.left - 8))\" y=\"\(number(y))\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"label\">\(escape(item.label))</text>"
            out += "<line x1=\"\(number(frame.x(item.low)))\" x2=\"\(number(frame.x(item.high)))\" y1=\"\(number(y))\" y2=\"\(number(y))\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            out += "<circle cx=\"\(number(frame.x(item.estimate)))\" cy=\"\(number(y))\" r=\"5\" fill=\"\(color)\"/>"
        }
        return out + "</svg>"
    }

    /// A labelled scatter with quadrant lines at zero.
    static func quadrant(_ points: [(label: String, x: Double, y: Double, color: String)], xTitle: String, yTitle: String, title: String) -> String {
        let xMax = max(0.5, points.map { abs($0.x) }.max() ?? 1) * 1.15
        let yMax = max(1, points.map { abs($0.y) }.max() ?? 1) * 1.15
        var frame = Frame(xLow: -xMax, xHigh: xMax, yLow: -yMax, yHigh: yMax)
        frame.height = 460
        var out = open(frame, title: title) + yAxis(frame)
        let x0 = number(frame.x(0)), y0 = number(frame.y(0))
        out += "<line x1=\"\(x0)\" x2=\"\(x0)\" y1=\"\(number(frame.top))\" y2=\"\(number(frame.height - frame.bottom))\" stroke=\"#111827\"/>"
        out += "<line x1=\"\(number(frame.left))\" x2=\"\(number(frame.width - frame.right))\" y1=\"\(y0)\" y2=\"\(y0)\" stroke=\"#111827\"/>"
        let corners = [("productive", frame.width - frame.right - 4, frame.top + 12, "end"), ("efficient", frame.left + 4, frame.top + 12, "start"),
                       ("busy, not productive", frame.width - frame.right - 4, frame.height - frame.bottom - 6, "end"),
                       ("neither", frame.left + 4, frame.height - frame.bottom - 6, "start")]
        for (text, x, y, anchor) in corners {
            out += "<text x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\" class=\"corner\">\(text)</text>"
        }
        for p in points {
            out += "<circle class=\"point\" cx=\"\(number(frame.x(p.x)))\" cy=\"\(number(frame.y(p.y)))\" r=\"4\" fill=\"\(p.color)\"/>"
            out += "<text x=\"\(number(frame.x(p.x) + 6))\" y=\"\(number(frame.y(p.y) - 5))\" class=\"small\">\(escape(p.label))</text>"
        }
        out += "<text x=\"\(number(frame.width / 2))\" y=\"\(number(frame.height - 4))\" text-anchor=\"middle\" class=\"tick\">\(escape(xTitle))</text>"
        out += "<text x=\"14\" y=\"\(number(frame.height / 2))\" transform=\"rotate(-90 14 \(number(frame.height / 2)))\" text-anchor=\"middle\" class=\"tick\">\(escape(yTitle))</text>"
        return out + "</svg>"
    }
}
