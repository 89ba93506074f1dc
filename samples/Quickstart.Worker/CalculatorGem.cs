using MeshRpc;
using Quickstart.Contract;

namespace Quickstart.Worker;

/// <summary>Packs the worker with its contract as the gem <c>gem://calculator@1.0.0</c>.</summary>
public static class CalculatorGem
{
    /// <summary>The gem's pointer.</summary>
    public const string Pointer = "gem://calculator@1.0.0";

    /// <summary>The gem archive: manifest, this assembly and the contract's, which the worker host loads from the gem.</summary>
    public static byte[] Pack() => MeshGem.Pack<ICalculator, Calculator>("calculator");
}
