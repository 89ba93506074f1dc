using System.Net;
using System.Text.Json;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>Asserts that a reply is the gateway's (or agent's) problem+json refusal, and says no secret back.</summary>
internal static class Refused
{
    /// <summary>Checks status, media type and code; returns the detail.</summary>
    public static async Task<string> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code, params string[] secretsNotEchoed)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        foreach (var secret in secretsNotEchoed)
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }

        return problem.RootElement.GetProperty("detail").GetString()!;
    }
}
