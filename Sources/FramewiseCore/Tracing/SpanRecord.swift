/// One finished span of a trace, as written to a trace file (one JSON line each) and read back by
/// `framewise report`: ids in hex (trace 32 digits, span 16), times in nanoseconds since the Unix epoch.
public struct SpanRecord: Sendable, Equatable {
    public var traceID: String
    public var spanID: String
    /// The parent span in the same trace (nil: the trace's root).
    public var parentID: String?
    public var name: String
    public var startUnixNano: UInt64
    public var endUnixNano: UInt64
    /// Attributes in the order they were set.
    public var attributes: [JSONField]
    /// Spans of other traces this one relates to (trace id, span id).
    public var links: [SpanLinkRecord]
    /// `ok`, `error` or nil (unset).
    public var status: String?

    public init(traceID: String, spanID: String, parentID: String? = nil, name: String, startUnixNano: UInt64, endUnixNano: UInt64,
                attributes: [JSONField] = [], links: [SpanLinkRecord] = [], status: String? = nil) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentID = parentID
        self.name = name
        self.startUnixNano = startUnixNano
        self.endUnixNano = endUnixNano
        self.attributes = attributes
        self.links = links
        self.status = status
    }

    /// Seconds between start and end.
    public var seconds: Double { Double(endUnixNano &- startUnixNano) / 1e9 }

    /// The attribute `key`, if set.
    public func attribute(_ key: String) -> JSONValue? { attributes.first { $0.key == key }?.value }

    /// The span as JSON: trace_id, span_id, parent_id (null for a root), name, start/end, attributes, links, status.
    public var json: JSONValue {
        var fields = [JSONField("trace_id", .string(traceID)), JSONField("span_id", .string(spanID)),
                      JSONField("parent_id", parentID.map(JSONValue.string) ?? .null), JSONField("name", .string(name)),
                      // Nanoseconds exceed a double's exact integers: written as decimal strings.
                      JSONField("start_unix_nano", .string(String(startUnixNano))), JSONField("end_unix_nano", .string(String(endUnixNano))),
                      JSONField("attributes", .object(attributes))]
        if !links.isEmpty {
            fields.append(JSONField("links", .array(links.map { .object(["trace_id": .string($0.traceID), "span_id": .string($0.spanID)]) })))
        }
        if let status { fields.append(JSONField("status", .string(status))) }
        return .object(fields)
    }

    /// Reads a span from its JSON (as `json` writes it); nil when a required field is missing.
    public init?(json: JSONValue) {
        guard case let .string(trace)? = json["trace_id"], case let .string(span)? = json["span_id"], case let .string(name)? = json["name"],
              let start = Self.nanos(json["start_unix_nano"]), let end = Self.nanos(json["end_unix_nano"]) else { return nil }
        var parent: String?
        if case let .string(p)? = json["parent_id"] { parent = p }
        var attributes: [JSONField] = []
        if case let .object(fields)? = json["attributes"] { attributes = fields }
        var links: [SpanLinkRecord] = []
        if case let .array(items)? = json["links"] {
            links = items.compactMap { item in
                guard case let .string(t)? = item["trace_id"], case let .string(s)? = item["span_id"] else { return nil }
                return SpanLinkRecord(traceID: t, spanID: s)
            }
        }
        var status: String?
        if case let .string(s)? = json["status"] { status = s }
        self.init(traceID: trace, spanID: span, parentID: parent, name: name, startUnixNano: start, endUnixNano: end,
                  attributes: attributes, links: links, status: status)
    }

    private static func nanos(_ value: JSONValue?) -> UInt64? {
        switch value {
        case let .string(s)?: UInt64(s)
        case let .number(n)? where n >= 0 && n.isFinite: UInt64(n)
        default: nil
        }
    }
}

/// A link from a span to a span of another trace.
public struct SpanLinkRecord: Sendable, Equatable {
    public var traceID: String
    public var spanID: String
    public init(traceID: String, spanID: String) {
        self.traceID = traceID
        self.spanID = spanID
    }
}
