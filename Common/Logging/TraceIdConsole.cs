namespace MeshRpc.Logging;

/// <summary>
/// Console logging for UAH CORE and the node agent: one line per event, with the trace id and span id of the request it
/// belongs to, so a summon's lines are found from its trace and the reverse. Shared source, compiled into both.
/// </summary>
internal static class TraceIdConsole
{
    /// <summary>Logs to the console one line per event, with its trace and span ids.</summary>
    public static void AddTraceIdConsole(this ILoggingBuilder logging)
    {
        logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.IncludeScopes = true;
        });
    }
}
