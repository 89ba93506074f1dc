using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace MeshRpc.Hosting;

/// <summary>The worker side's JSON-RPC: error replies say what failed without leaking the worker's internals.</summary>
internal sealed class WorkerJsonRpc : JsonRpc
{
    private readonly bool _includeDiagnostics;

    public WorkerJsonRpc(IJsonRpcMessageHandler handler, bool includeDiagnostics)
        : base(handler) => _includeDiagnostics = includeDiagnostics;

    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var details = base.CreateErrorDetails(request, exception);
        if (!_includeDiagnostics && details.Data is CommonErrorData data)
        {
            // Stack frames, inner exceptions and source paths stay in the worker; type and message are the contract.
            details.Data = new CommonErrorData { TypeName = data.TypeName, Message = data.Message, HResult = data.HResult };
        }

        return details;
    }
}
