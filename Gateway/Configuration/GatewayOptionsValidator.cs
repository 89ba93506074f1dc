using Microsoft.Extensions.Options;

namespace MeshRpc.Gateway.Configuration;

/// <summary>Refuses, at start-up, gateway settings that would fail later: each failure names the option and what it takes.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Positive(failures, "summon-rate", options.SummonsPerSecond);
        Positive(failures, "summon-burst", options.SummonBurst);
        Positive(failures, "max-workers-per-caller", options.MaxWorkersPerCaller);
        Positive(failures, "node-dead-after-ms", options.NodeDeadAfterMs);
        Positive(failures, "ticket-lifetime-ms", options.TicketLifetimeMs);
        Positive(failures, "max-worker-lifetime-ms", options.MaxWorkerLifetimeMs);
        Positive(failures, "max-gem-unpacked-mb", options.MaxGemUnpackedMb);
        Positive(failures, "compiled-cache-mb", options.CompiledCacheMb);
        if (options.WorkerHeartbeatTimeoutMs < options.MinHeartbeatTimeoutMs)
        {
            failures.Add($"--heartbeat-timeout-ms takes at least {options.MinHeartbeatTimeoutMs} ms, not {options.WorkerHeartbeatTimeoutMs}.");
        }

        if (options.PublicUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"--public-url takes the gateway's absolute http:// or https:// address as callers see it, not '{url}'.");
        }

        foreach (var text in (options.EgressAllow ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!EgressDestination.TryParse(text, out _, out var problem))
            {
                failures.Add($"--egress-allow: {problem}");
            }
        }

        if (options.ApiKeysFile is { } keys && !File.Exists(keys))
        {
            failures.Add($"--api-keys names {keys}, which does not exist. Create it with 'api-key create --store {keys} ...'.");
        }

        if (options.Redis is { } redis && !IsRedisConfiguration(redis))
        {
            // The value is not echoed: it may hold Redis's password.
            failures.Add("--redis takes the Redis to share state through, as host:port (or StackExchange.Redis configuration, such as 'host:6379,password=...'); the value given names no endpoint.");
        }

        if (string.IsNullOrWhiteSpace(options.RedisPrefix))
        {
            failures.Add("--redis-prefix takes a non-empty prefix, such as 'meshrpc:'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsRedisConfiguration(string text)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(text).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Positive(List<string> failures, string key, long value)
    {
        if (value <= 0)
        {
            failures.Add($"--{key} takes a positive number, not {value}.");
        }
    }
}
