namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition that another process makes true, checking every 50 ms up to a deadline.</summary>
internal static class Poll
{
    /// <summary>True as soon as <paramref name="condition"/> holds; false if it still does not after <paramref name="timeout"/>.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return false;
    }
}
