using System.Runtime.CompilerServices;
using Exchange.Policy.Engine.Compilation;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>The denial reason per category number, held inline so a decision needs no array of its own.</summary>
[InlineArray(Length)]
internal struct DenialBuffer
{
    /// <summary>Room for category numbers 0..15; the compiled bundle refuses to load when the contracts outgrow it.</summary>
    public const int Length = 16;

    private DenialReason? _element;
}
