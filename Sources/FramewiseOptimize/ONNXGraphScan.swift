import Foundation

/// What `clean` would change in an ONNX model, read straight from its protobuf (no ONNX Runtime,
/// no Python): initializers also listed as graph inputs (ONNX Runtime then treats them as
/// overridable and skips constant folding and fusions) and initializers no node uses.
public struct ONNXGraphScan: Sendable, Equatable {
    public var initializersAsInputs = 0
    public var unusedInitializers = 0

    public init(initializersAsInputs: Int = 0, unusedInitializers: Int = 0) {
        self.initializersAsInputs = initializersAsInputs
        self.unusedInitializers = unusedInitializers
    }

    /// True when `framewise optimize --variants clean` would change the model.
    public var wouldGainFromClean: Bool { initializersAsInputs > 0 || unusedInitializers > 0 }

    /// Scans the model file at `path`; nil when it is not a readable ONNX model.
    public static func scan(path: String) -> ONNXGraphScan? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        return data.withUnsafeBytes { raw -> ONNXGraphScan? in
            let bytes = raw.bindMemory(to: UInt8.self)
            // ModelProto.graph = 7
            guard let graph = Wire.fields(bytes, 0..<bytes.count)?.first(where: { $0.number == 7 })?.range else { return nil }
            var inits: [String] = [], inputs: Set<String> = [], used: Set<String> = []
            guard let top = Wire.fields(bytes, graph) else { return nil }
            for field in top {
                switch field.number {
                case 5: // initializer: TensorProto.name = 8
                    if let name = Wire.string(bytes, field.range, number: 8) { inits.append(name) }
                case 11: // input: ValueInfoProto.name = 1
                    if let name = Wire.string(bytes, field.range, number: 1) { inputs.insert(name) }
                case 12: // output
                    if let name = Wire.string(bytes, field.range, number: 1) { used.insert(name) }
                case 1: // node
                    Wire.nodeInputs(bytes, field.range, into: &used)
                default: break
                }
            }
            let initSet = Set(inits)
            return ONNXGraphScan(initializersAsInputs: inputs.intersection(initSet).count,
                                 unusedInitializers: inits.filter { !used.contains($0) }.count)
        }
    }
}

/// A minimal protobuf wire-format reader: the fields of a message, strings, nested graphs.
enum Wire {
    struct Field { var number: Int; var range: Range<Int> }

    static func varint(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) -> UInt64? {
        var value: UInt64 = 0, shift: UInt64 = 0
        while i < end, shift < 64 {
            let byte = b[i]
            i += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// The length-delimited fields of the message in `range` (other wire types skipped); nil if malformed.
    static func fields(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Field]? {
        var out: [Field] = []
        var i = range.lowerBound
        while i < range.upperBound {
            guard let key = varint(b, &i, range.upperBound) else { return nil }
            switch key & 7 {
            case 0: guard varint(b, &i, range.upperBound) != nil else { return nil }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let length = varint(b, &i, range.upperBound), length <= UInt64(range.upperBound - i) else { return nil }
                out.append(Field(number: Int(key >> 3), range: i..<(i + Int(length))))
                i += Int(length)
            default: return nil
            }
        }
        return i == range.upperBound ? out : nil
    }

    static func string(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, number: Int) -> String? {
        guard let f = fields(b, range)?.first(where: { $0.number == number }) else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: b[f.range]), as: UTF8.self)
    }

    /// NodeProto.input (1) names, and those of nodes in subgraphs of its attributes (5: g = 6, graphs = 11).
    static func nodeInputs(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into used: inout Set<String>) {
        for f in fields(b, range) ?? [] {
            if f.number == 1 {
                used.insert(String(decoding: UnsafeBufferPointer(rebasing: b[f.range]), as: UTF8.self))
            } else if f.number == 5 {
                for a in fields(b, f.range) ?? [] where a.number == 6 || a.number == 11 {
                    for g in fields(b, a.range) ?? [] where g.number == 1 { nodeInputs(b, g.range, into: &used) }
                }
            }
        }
    }
}
