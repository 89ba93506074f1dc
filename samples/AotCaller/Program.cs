using MeshRpc;
using Quickstart.Contract;

// Usage: AotCaller <gateway-url> <gem-pointer>, with the caller's credential in MESHRPC_CREDENTIAL
using var mesh = new MeshClient(new Uri(args[0]), MeshCredential.FromEnvironment());
await using var calculator = await mesh.SummonAsync<ICalculator>(SummonRequest.FromGem(args[1]));
var sum = await calculator.AddAsync(20, 22);
var whereabouts = await calculator.WhereAmIAsync();
Console.WriteLine($"sum={sum} worker-pid={whereabouts.ProcessId} caller-pid={Environment.ProcessId}");
return sum == 42 ? 0 : 1;
