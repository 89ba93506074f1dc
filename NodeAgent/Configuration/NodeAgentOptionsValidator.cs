using System.Net;
using System.Net.Sockets;
using MeshRpc.NodeAgent.Forge;
using Microsoft.Extensions.Options;

namespace MeshRpc.NodeAgent.Configuration;

/// <summary>Refuses, at start-up, agent settings that would fail later: each failure names the option and what it takes.</summary>
public sealed class NodeAgentOptionsValidator : IValidateOptions<NodeAgentOptions>
{
    private static readonly string[] Sandboxes = ["lxc", "bwrap", "process", "auto"];

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Gateway is not { IsAbsoluteUri: true } gateway || (gateway.Scheme != Uri.UriSchemeHttp && gateway.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("The node agent needs the gateway's address: pass --gateway http://host:port.");
        }

        foreach (var text in (options.FallbackGateways ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var fallback) || (fallback.Scheme != Uri.UriSchemeHttp && fallback.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"--fallback-gateways takes other gateways' addresses, comma-separated (http://host:port,...), not '{text}'.");
            }
        }

        if (!Sandboxes.Contains(options.Sandbox))
        {
            failures.Add($"Unknown sandbox '{options.Sandbox}'. Use --sandbox lxc, bwrap, process or auto.");
        }

        if (!IPAddress.TryParse(options.DataPlaneAddress, out _))
        {
            failures.Add($"--data-plane takes the IP address workers listen on, not '{options.DataPlaneAddress}'.");
        }

        if (options.Slots < 1)
        {
            failures.Add($"--slots takes a positive number, not {options.Slots}.");
        }

        if (options.WarmPoolSize < 0 || options.WarmPoolSize > options.Slots)
        {
            failures.Add($"--warm-pool takes a number from 0 to --slots ({options.Slots}), not {options.WarmPoolSize}.");
        }
        else if (options.WarmPoolCeiling < options.WarmPoolSize || options.WarmPoolCeiling > options.Slots)
        {
            failures.Add($"--warm-pool-max takes a number from --warm-pool ({options.WarmPoolSize}) to --slots ({options.Slots}), not {options.WarmPoolCeiling}.");
        }

        if (options.MaxColdStarts < 1)
        {
            failures.Add($"--max-cold-starts takes a positive number (how many worker hosts may start at once), not {options.MaxColdStarts}.");
        }

        if (options.WarmPoolKeepSeconds < PoolDemand.Window.TotalSeconds)
        {
            failures.Add($"--warm-pool-keep-seconds takes a number of seconds from {PoolDemand.Window.TotalSeconds:0} up, not {options.WarmPoolKeepSeconds}.");
        }

        if (options.SpoolKilobytes < 1 || options.SpoolKeepSeconds < 0)
        {
            failures.Add($"--spool-kb takes a number of KiB from 1 up and --spool-keep-seconds a number of seconds from 0 up, not {options.SpoolKilobytes} and {options.SpoolKeepSeconds}.");
        }

        if (options.MemoryMb < 16 || options.MaxProcesses < 1 || !(options.Cpus > 0))
        {
            failures.Add($"A worker needs --memory-mb of at least 16, --max-processes and --cpus above 0 (given {options.MemoryMb}, {options.MaxProcesses} and {options.Cpus}).");
        }

        if (options.CompileTimeout <= TimeSpan.Zero || options.CompileTimeout >= options.WorkerStartTimeout)
        {
            failures.Add($"--compile-timeout-ms takes a positive number under the worker start timeout ({options.WorkerStartTimeout.TotalMilliseconds:0} ms), not {options.CompileTimeoutMs}.");
        }

        if (options.WarmCompilers is < 0 or > 8 || options.MaxCompiledKilobytes < 16 || options.CompiledCacheMegabytes < 1)
        {
            failures.Add($"--warm-compilers takes a number from 0 to 8, --max-compiled-kb one from 16 up and --compiled-cache-mb one from 1 up (given {options.WarmCompilers}, {options.MaxCompiledKilobytes} and {options.CompiledCacheMegabytes}).");
        }

        // IPv4 with its host bits zero, and room for at least four /30 worker links.
        if (options.EgressSubnetText is { } subnet
            && !(IPNetwork.TryParse(subnet, out var network) && network.BaseAddress.AddressFamily == AddressFamily.InterNetwork && network.PrefixLength <= 28))
        {
            failures.Add($"--egress-subnet takes an IPv4 network of at least 16 addresses with its host bits zero (for example 10.231.0.0/16), not '{subnet}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
