namespace NetDsl.Benchmarks.BuildTime;

/// <summary>The networks the generator is timed on, as the source a user would write.</summary>
internal static class ModelSources
{
    /// <summary>The seed model (the README's MnistNet), 8 layers after the input.</summary>
    public const string SeedModel = """
        using NetDsl;

        namespace Benchmark;

        [Network]
        [Input(28, 28, 1)]
        [Conv2D(32, 3, Activation = Activation.ReLU)]
        [MaxPooling2D(2)]
        [Conv2D(64, 3, Activation = Activation.ReLU)]
        [MaxPooling2D(2)]
        [Conv2D(64, 3, Activation = Activation.ReLU)]
        [Flatten]
        [Dense(64, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class MnistNet;
        """;

    /// <summary>A VGG-style model with exactly 20 layers after the input: every layer kind but the global pools, same padding, strides.</summary>
    public const string TwentyLayerModel = """
        using NetDsl;

        namespace Benchmark;

        [Network]
        [Input(64, 64, 3)]
        [Conv2D(16, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
        [Conv2D(16, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
        [MaxPooling2D(2)]
        [Conv2D(32, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
        [Conv2D(32, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
        [AveragePooling2D(2)]
        [Conv2D(64, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
        [Conv2D(64, 3, Padding = Padding.Same)]
        [Activation(Activation.ReLU)]
        [MaxPooling2D(3, Strides = 2, Padding = Padding.Same)]
        [Conv2D(128, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
        [Conv2D(128, 3, Strides = 2, Padding = Padding.Same, Activation = Activation.Tanh)]
        [Conv2D(64, 1, Activation = Activation.ReLU)]
        [Flatten]
        [Dense(256, Activation = Activation.ReLU)]
        [Dense(128, Activation = Activation.ReLU)]
        [Dense(64, Activation = Activation.Sigmoid)]
        [Dense(64, Activation = Activation.ReLU)]
        [Dense(32, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class TwentyLayerNet;
        """;
}
