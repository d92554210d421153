import FramewiseCore
import FramewisePostprocess
import Foundation

/// Stage outputs as blobs for the broker, so a stage in another process can take them up unchanged:
/// JSON with one key naming the case, `{"single": item}`, `{"crops": [item, ...]}` or `{"dropped": reason}`,
/// an item being `{"slot", "crop"?, "head", "outputs"}` (see `HeadResult` and `ItemOutputs` for theirs).
extension StageFrameOutput: Codable {
    private enum Key: String, CodingKey, CaseIterable { case single, crops, dropped }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case let .single(item): try container.encode(item, forKey: .single)
        case let .crops(items): try container.encode(items, forKey: .crops)
        case let .dropped(reason): try container.encode(reason, forKey: .dropped)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let present = Key.allCases.filter { container.contains($0) }
        guard present.count == 1, let key = present.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "expected exactly one of single, crops, dropped; found \(present.map(\.rawValue))"))
        }
        switch key {
        case .single: self = .single(try container.decode(StageItemResult.self, forKey: .single))
        case .crops: self = .crops(try container.decode([StageItemResult].self, forKey: .crops))
        case .dropped: self = .dropped(try container.decode(String.self, forKey: .dropped))
        }
    }
}

extension StageItemResult: Codable {
    private enum Key: String, CodingKey { case slot, crop, head, outputs }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(slot, forKey: .slot)
        try container.encodeIfPresent(crop, forKey: .crop)
        try container.encode(head, forKey: .head)
        try container.encode(outputs, forKey: .outputs)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        self.init(slot: try container.decode(Int.self, forKey: .slot),
                  crop: try container.decodeIfPresent(Rect.self, forKey: .crop),
                  head: try container.decode(HeadResult.self, forKey: .head),
                  outputs: try container.decode(ItemOutputs.self, forKey: .outputs))
    }
}

extension StageFrameOutput {
    /// Spellings of NaN and infinities in scores and coordinates (tensors and JSON values carry their own).
    private static let floatStrategy = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    /// The output as a blob for the broker; the same output always gives the same bytes (sorted keys).
    func encoded() throws(StageOutputCodingError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let s = Self.floatStrategy
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: s.positiveInfinity, negativeInfinity: s.negativeInfinity, nan: s.nan)
        do {
            return try encoder.encode(self)
        } catch {
            throw StageOutputCodingError(operation: .encode, byteCount: nil, underlying: error)
        }
    }

    /// The output in a blob made by `encoded()`.
    static func decoded(from data: Data) throws(StageOutputCodingError) -> StageFrameOutput {
        let decoder = JSONDecoder()
        let s = floatStrategy
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: s.positiveInfinity, negativeInfinity: s.negativeInfinity, nan: s.nan)
        do {
            return try decoder.decode(StageFrameOutput.self, from: data)
        } catch {
            throw StageOutputCodingError(operation: .decode, byteCount: data.count, underlying: error)
        }
    }
}
