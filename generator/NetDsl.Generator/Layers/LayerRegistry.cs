using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Layers;

/// <summary>
/// Every layer kind NetDsl knows, registered once. The front ends find kinds here by attribute name and DSL word,
/// the shape checker, planner and emitter by Keras class name. Adding a kind is adding its definition to
/// <see cref="All"/> (see docs/adding-a-layer.md).
/// </summary>
internal static class LayerRegistry
{
    public static readonly IReadOnlyList<LayerDefinition> All = new LayerDefinition[]
    {
        new InputLayer(),
        new Conv2DLayer(),
        new DepthwiseConv2DLayer(),
        new SeparableConv2DLayer(),
        new Conv2DTransposeLayer(),
        new MaxPooling2DLayer(),
        new AveragePooling2DLayer(),
        new GlobalAveragePooling2DLayer(),
        new GlobalMaxPooling2DLayer(),
        new FlattenLayer(),
        new DenseLayer(),
        new ActivationLayer(),
        new LeakyReLULayer(),
        new BatchNormalizationLayer(),
        new DropoutLayer(),
        new SpatialDropout2DLayer(),
        new AddLayer(),
        new SubtractLayer(),
        new MultiplyLayer(),
        new AverageLayer(),
        new MaximumLayer(),
        new ConcatenateLayer(),
        new UpSampling2DLayer(),
        new ZeroPadding2DLayer(),
        new Cropping2DLayer(),
        new ReshapeLayer(),
    };

    public static readonly InputLayer Input = All.OfType<InputLayer>().Single();

    private static readonly Dictionary<string, LayerDefinition> ByClass = All.ToDictionary(d => d.ClassName, StringComparer.Ordinal);

    private static readonly Dictionary<string, LayerDefinition> ByAttribute = All.Where(d => d.AttributeName is not null).ToDictionary(d => d.AttributeName!, StringComparer.Ordinal);

    private static readonly Dictionary<string, LayerDefinition> ByWord = BuildWords();

    public static LayerDefinition? ByClassName(string name) => ByClass.TryGetValue(name, out LayerDefinition? d) ? d : null;

    public static LayerDefinition? ByAttributeName(string name) => ByAttribute.TryGetValue(name, out LayerDefinition? d) ? d : null;

    public static LayerDefinition? ByDslWord(string word) => ByWord.TryGetValue(word, out LayerDefinition? d) ? d : null;

    /// <summary>The layer words a message lists.</summary>
    public static string WordList => string.Join(", ", All.Take(All.Count - 1).Select(d => d.Word)) + " or " + All[All.Count - 1].Word;

    /// <summary>Every word of every kind: its word, its aliases, Keras's class name and automatic name prefix
    /// (case-insensitive).</summary>
    public static IEnumerable<(string Word, LayerDefinition Definition)> Words() =>
        All.SelectMany(d => new[] { d.Word, d.ClassName.ToLowerInvariant(), d.NamePrefix }.Concat(d.Aliases).Distinct().Select(w => (w, d)));

    private static Dictionary<string, LayerDefinition> BuildWords()
    {
        var words = new Dictionary<string, LayerDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach ((string word, LayerDefinition definition) in Words())
        {
            if (words.TryGetValue(word, out LayerDefinition? other) && other != definition)
            {
                throw new InvalidOperationException($"The DSL word '{word}' belongs to both {other.ClassName} and {definition.ClassName}.");
            }

            words[word] = definition;
        }

        return words;
    }
}
