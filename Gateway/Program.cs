using MeshRpc.Gateway;
using MeshRpc.Gateway.Security;
using Microsoft.Extensions.Options;

if (ApiKeyCommand.Matches(args))
{
    return ApiKeyCommand.Run(args);
}

WebApplication app;
try
{
    app = GatewayApp.Build(args);
    await app.StartAsync();
}
catch (OptionsValidationException ex)
{
    // A setting the operator got wrong: say which and how to fix it, without a stack trace.
    Console.Error.WriteLine("UAH CORE cannot start: " + string.Join(" ", ex.Failures));
    return 2;
}
catch (InvalidOperationException ex) when (ex.Source == "Microsoft.Extensions.Configuration.Binder")
{
    // A value of the wrong type ('--summon-rate fast'): the binder's message names the key and the type it takes.
    Console.Error.WriteLine("UAH CORE cannot start: " + ex.Message);
    return 2;
}

// Test harnesses and the quick start read this line to find the gateway's ephemeral port.
Console.WriteLine("MESHRPC-LISTENING " + string.Join(' ', app.Urls));
await app.WaitForShutdownAsync();
return 0;
