using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MeshRpc.Hosting;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// Opens a worker's data-plane socket on the node's address, in the node's network namespace, and hands it to the one
/// process that starts the worker's sandbox (<c>--listen-fd N</c> on the worker host's command line). A worker whose
/// sandbox has a network namespace of its own accepts callers on it, yet can open no connection to anything.
/// </summary>
internal static partial class DataPlaneHandoff
{
    // .NET opens every descriptor close-on-exec, so only the duplicate made here crosses exec. Every process the agent
    // starts takes this lock (Start, or StartPlain for its host tools): the one inheritable data-plane socket that
    // exists at a time reaches only the sandbox it is for.
    private static readonly Lock Handoff = new();

    /// <summary>Starts a process that gets no data-plane socket (the agent's host tools: lxc-ls, lxc-stop, probes).</summary>
    public static Process StartPlain(ProcessStartInfo start)
    {
        lock (Handoff)
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
        }
    }

    /// <summary>Starts <paramref name="start"/> (whose arguments end with the worker host's command) holding a new listening socket on <paramref name="address"/>; returns the process and the port.</summary>
    public static (Process Process, int Port) Start(ProcessStartInfo start, string address)
    {
        var ip = IPAddress.Parse(address);
        using var listener = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(ip, 0));
        listener.Listen(512);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        lock (Handoff)
        {
            var inheritable = Dup((int)listener.SafeHandle.DangerousGetHandle());
            if (inheritable < 0)
            {
                throw new IOException($"Could not hand the data-plane socket to the sandbox: dup failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            try
            {
                start.ArgumentList.Add(WorkerHostProcess.ListenFdFlag);
                start.ArgumentList.Add(inheritable.ToString(CultureInfo.InvariantCulture));
                var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
                return (process, port);
            }
            finally
            {
                // The child has its copy; the agent keeps none, so the port closes when the sandbox ends.
                _ = Close(inheritable);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
