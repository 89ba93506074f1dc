using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshRpc.Hosting.Calls;

/// <summary>One method a connection serves: how many arguments it takes, whether it takes a token, and how its result is written.</summary>
internal abstract class ServedMethod(int argumentCount, bool cancellable)
{
    public int ArgumentCount { get; } = argumentCount;

    /// <summary>Whether the method takes a cancellation token (else no cancellation source is made for its requests).</summary>
    public bool Cancellable { get; } = cancellable;

    /// <summary>Starts the method: reads its arguments and calls the worker object, which runs until its first wait.</summary>
    public abstract Outcome Invoke(ref MeshArguments arguments, CancellationToken cancellationToken);

    /// <summary>A started call.</summary>
    internal abstract class Outcome
    {
        /// <summary>Whether the call has finished (then <see cref="Take"/> does not wait).</summary>
        public abstract bool IsCompleted { get; }

        /// <summary>Takes the finished call's result; throws what the call threw.</summary>
        public abstract void Take();

        /// <summary>Waits for the call and takes its result; throws what the call threw.</summary>
        public abstract ValueTask TakeAsync();

        /// <summary>Writes the result taken as the reply's <c>result</c> member.</summary>
        public abstract void WriteResult(Utf8JsonWriter writer);
    }
}

/// <summary>A method with a result of type <typeparamref name="TResult"/>.</summary>
internal sealed class ServedMethod<TResult>(int argumentCount, bool cancellable, MeshMethod<TResult> method, JsonTypeInfo<TResult> resultType)
    : ServedMethod(argumentCount, cancellable)
{
    public override Outcome Invoke(ref MeshArguments arguments, CancellationToken cancellationToken) =>
        new Running(method(ref arguments, cancellationToken), resultType);

    private sealed class Running(ValueTask<TResult> running, JsonTypeInfo<TResult> resultType) : Outcome
    {
        private TResult? _result;

        public override bool IsCompleted => running.IsCompleted;

        public override void Take() => _result = running.Result;

        public override async ValueTask TakeAsync() => _result = await running;

        public override void WriteResult(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, _result!, resultType);
    }
}

/// <summary>A method without a result: its reply's result is null.</summary>
internal sealed class ServedVoidMethod(int argumentCount, bool cancellable, MeshMethod method) : ServedMethod(argumentCount, cancellable)
{
    public override Outcome Invoke(ref MeshArguments arguments, CancellationToken cancellationToken) =>
        new Running(method(ref arguments, cancellationToken));

    private sealed class Running(ValueTask running) : Outcome
    {
        public override bool IsCompleted => running.IsCompleted;

        public override void Take() => running.GetAwaiter().GetResult();

        public override ValueTask TakeAsync() => running;

        public override void WriteResult(Utf8JsonWriter writer) => writer.WriteNullValue();
    }
}
