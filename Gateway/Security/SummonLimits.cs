using System.Globalization;
using System.Threading.RateLimiting;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using Microsoft.AspNetCore.RateLimiting;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// How fast each caller may summon: one token bucket per caller (ASP.NET Core rate limiting), refused with 429,
/// problem+json and <c>Retry-After</c>. Requests refused by authentication or by the endpoint's policy spend no token.
/// </summary>
public static class SummonLimits
{
    /// <summary>The rate-limiting policy of the summon endpoints.</summary>
    public const string Policy = "summons";

    /// <summary>Registers the policy with the rates of <paramref name="options"/>: the configuration step of <see cref="RateLimiterOptions"/>.</summary>
    public static void Configure(RateLimiterOptions limiter, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(options);
        limiter.AddPolicy(Policy, context => RateLimitPartition.GetTokenBucketLimiter(
            MeshClaims.OwnerOf(context.User) ?? string.Empty,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.SummonBurst,
                TokensPerPeriod = options.SummonsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await TooMany(MeshErrorCodes.RateLimited,
                $"This caller summons faster than its rate ({options.SummonsPerSecond} a second, {options.SummonBurst} at once). Retry after {seconds} s.")
                .ExecuteAsync(rejected.HttpContext);
        };
    }

    /// <summary>A 429 problem+json with <paramref name="code"/> and <paramref name="detail"/>.</summary>
    public static IResult TooMany(string code, string detail) => MeshProblems.Of(code, detail);
}
