import FramewiseCore
import FramewiseIndex
import Testing

/// Which outputs `validate` offers as an index's feature vector.
@Suite struct FeatureOutputsTests {
    @Test func oneVectorPerItemQualifiesNamedOnesFirst() {
        let outputs = [
            TensorInfo(name: "logits", elementType: .float32, shape: [-1, 1000]),
            TensorInfo(name: "boxes", elementType: .float32, shape: [-1, 100, 4]),
            TensorInfo(name: "heatmap", elementType: .float32, shape: [-1, 1, 120, 160]),
            TensorInfo(name: "pooled_features", elementType: .float32, shape: [-1, 1280, 1, 1]),
            TensorInfo(name: "score", elementType: .float32, shape: [-1, 2]),
        ]
        #expect(FeatureOutputs.candidates(outputs).map(\.name) == ["pooled_features", "logits"])
        #expect(FeatureOutputs.candidates(outputs, minimumWidth: 2).map(\.name) == ["pooled_features", "logits", "score"])
        #expect(FeatureOutputs.candidates([]).isEmpty)
    }
}
