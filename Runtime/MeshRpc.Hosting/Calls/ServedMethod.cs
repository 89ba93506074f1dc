using System.Text.Json.Serialization.Metadata;

namespace MeshRpc.Hosting.Calls;

/// <summary>One method a connection serves: how many arguments it takes, whether it takes a token, and how it is started.</summary>
internal abstract class ServedMethod(int argumentCount, bool cancellable)
{
    public int ArgumentCount { get; } = argumentCount;

    /// <summary>Whether the method takes a cancellation token (else no cancellation source is made for its requests).</summary>
    public bool Cancellable { get; } = cancellable;

    /// <summary>
    /// Starts the method: reads its arguments and calls the worker object, which runs until its first wait; then hands
    /// what it returned to <paramref name="calls"/>, which replies now or when it finishes. Throws what the method throws before it returns.
    /// </summary>
    public abstract void Start(WorkerCalls calls, in ServedRequest request, ref MeshArguments arguments);
}

/// <summary>A method with a result of type <typeparamref name="TResult"/>.</summary>
internal sealed class ServedMethod<TResult>(int argumentCount, bool cancellable, MeshMethod<TResult> method, JsonTypeInfo<TResult> resultType)
    : ServedMethod(argumentCount, cancellable)
{
    public override void Start(WorkerCalls calls, in ServedRequest request, ref MeshArguments arguments) =>
        calls.Serve(request, method(ref arguments, request.Token), resultType);
}

/// <summary>A method without a result: its reply's result is null.</summary>
internal sealed class ServedVoidMethod(int argumentCount, bool cancellable, MeshMethod method) : ServedMethod(argumentCount, cancellable)
{
    public override void Start(WorkerCalls calls, in ServedRequest request, ref MeshArguments arguments)
    {
        var running = method(ref arguments, request.Token);

        // Finished (nearly always, for a method without a result that does not wait): nothing to wait for, nothing allocated.
        calls.Serve(request, running.IsCompletedSuccessfully ? default : WaitAsync(running), resultType: null);
    }

    private static async ValueTask<object?> WaitAsync(ValueTask running)
    {
        await running;
        return null;
    }
}
