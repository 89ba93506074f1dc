using MeshRpc.NodeAgent;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Sandboxes;
using Microsoft.Extensions.Options;

WebApplication app;
try
{
    app = NodeAgentApp.Build(args);
    await app.StartAsync();
}
catch (Exception ex) when (ex is AgentStartupException or OptionsValidationException
                           || (ex is InvalidOperationException && ex.Source == "Microsoft.Extensions.Configuration.Binder"))
{
    // A setting the operator got wrong, or a sandbox this machine lacks: say which and how to fix it, without a stack trace.
    Console.Error.WriteLine("The node agent cannot start: " + (ex is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : ex.Message));
    return 2;
}

// Test harnesses and the quick start read these lines to find the agent's ephemeral port and its sandbox.
Console.WriteLine("MESHRPC-SANDBOX " + app.Services.GetRequiredService<ISandboxProvider>().Name);
Console.WriteLine("MESHRPC-LISTENING " + string.Join(' ', app.Urls));
await app.WaitForShutdownAsync();
return 0;
