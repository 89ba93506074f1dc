namespace MeshRpc.Hosting;

/// <summary>A served method that returns <typeparamref name="TResult"/>: reads its arguments, then calls the worker object. Written by generated code.</summary>
public delegate ValueTask<TResult> MeshMethod<TResult>(ref MeshArguments arguments, CancellationToken cancellationToken);

/// <summary>A served method that returns nothing (or a notification, which gets no reply). Written by generated code.</summary>
public delegate ValueTask MeshMethod(ref MeshArguments arguments, CancellationToken cancellationToken);

/// <summary>A served streaming method: reads its arguments and returns how to start the enumeration, given the stream's token. Written by generated code.</summary>
public delegate Func<CancellationToken, IAsyncEnumerable<T>> MeshStreamMethod<T>(ref MeshArguments arguments);
