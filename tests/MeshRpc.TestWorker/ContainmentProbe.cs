using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace MeshRpc.TestWorker;

/// <summary>Implements <see cref="IContainmentProbe"/>; its text is what a containment test summons as raw source.</summary>
public sealed class ContainmentProbe : IContainmentProbe
{
    // x86-64 system call numbers and arguments (strings are passed as pointers to them). Where an argument does not
    // matter it is zero, so a call the sandbox let through fails on its arguments rather than acting; where the
    // kernel would check an argument before the privilege, the argument is real, so that the privilege decides.
    private static readonly Dictionary<string, (long Number, object[] Arguments)> Syscalls = new(StringComparer.Ordinal)
    {
        ["unshare-user"] = (272, [0x10000000L]), ["unshare-net"] = (272, [0x40000000L]), ["unshare-mount"] = (272, [0x00020000L]),
        ["setns"] = (308, []), ["ptrace"] = (101, []), ["init_module"] = (175, []), ["finit_module"] = (313, []),
        ["delete_module"] = (176, ["meshrpc_escape"]), ["kexec_load"] = (246, []), ["mount"] = (165, ["none", "/tmp", "tmpfs"]),
        ["umount2"] = (166, ["/tmp"]), ["pivot_root"] = (155, ["/tmp", "/tmp"]), ["chroot"] = (161, ["/tmp"]), ["bpf"] = (321, []),
        ["perf_event_open"] = (298, []), ["userfaultfd"] = (323, []), ["io_uring_setup"] = (425, []), ["keyctl"] = (250, []),
        ["swapon"] = (167, ["/tmp/swap"]), ["reboot"] = (169, []), ["settimeofday"] = (164, []), ["open_by_handle_at"] = (304, []),
        ["raw-socket"] = (41, [17L, 3L]),
    };

    private readonly List<byte[]> _hog = [];

    /// <inheritdoc />
    public async Task<string> ConnectAsync(string host, int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return "connected";
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode.ToString();
        }
        catch (OperationCanceledException)
        {
            return "TimedOut";
        }
    }

    /// <inheritdoc />
    public async Task<string> ConnectUnixAsync(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
            return "connected";
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode.ToString();
        }
    }

    /// <inheritdoc />
    public async Task<string> ReadFileAsync(string path)
    {
        try
        {
            return "read " + (await File.ReadAllBytesAsync(path)).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <inheritdoc />
    public async Task<string> WriteFileAsync(string path, string text)
    {
        try
        {
            var created = !File.Exists(path);
            await File.WriteAllTextAsync(path, text);
            if (created)
            {
                File.Delete(path);
            }

            return "written";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <inheritdoc />
    public Task<string[]> ListAsync(string path)
    {
        try
        {
            return Task.FromResult(Directory.GetFileSystemEntries(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult<string[]>([ex.GetType().Name + ": " + ex.Message]);
        }
    }

    /// <inheritdoc />
    public async Task<string> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return $"exit {process.ExitCode}: {error.Split('\n')[0]}";
    }

    /// <inheritdoc />
    public Task<string> SyscallAsync(string name)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !Syscalls.TryGetValue(name, out var call))
        {
            return Task.FromResult($"unknown system call {name} on {RuntimeInformation.ProcessArchitecture}");
        }

        var strings = new List<nint>();
        try
        {
            var arguments = call.Arguments.Select(argument => argument is string text ? Remember(Marshal.StringToHGlobalAnsi(text)) : (long)argument)
                .Concat(Enumerable.Repeat(0L, 5)).ToArray();
            var result = name == "setns" ? SetNetworkNamespace() : Syscall(call.Number, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4]);
            return Task.FromResult(result >= 0 ? "ok" : $"errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            strings.ForEach(Marshal.FreeHGlobal);
        }

        long Remember(nint pointer)
        {
            strings.Add(pointer);
            return pointer;
        }
    }

    /// <inheritdoc />
    public async Task<string> StatusAsync(string field) =>
        (await File.ReadAllLinesAsync("/proc/self/status")).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))?[(field.Length + 1)..].Trim()
        ?? $"no field {field}";

    /// <inheritdoc />
    public Task<string> ForkBombAsync()
    {
        // Half a second late: the answer must leave before the bomb takes every process (and thread) the sandbox allows.
        using (Process.Start("/bin/sh", ["-c", "sleep 0.5; bomb() { bomb | bomb & }; bomb"]))
        {
        }

        return Task.FromResult("started");
    }

    /// <inheritdoc />
    public Task<long> HogMemoryAsync(int megabytes)
    {
        for (var i = 0; i < megabytes; i++)
        {
            var block = new byte[1 << 20];
            Array.Fill(block, (byte)1);
            _hog.Add(block);
        }

        return Task.FromResult((long)_hog.Count << 20);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static long SetNetworkNamespace()
    {
        using var own = File.OpenHandle("/proc/self/ns/net");
        return Syscall(308, own.DangerousGetHandle(), 0, 0, 0, 0);
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern long Syscall(long number, long a, long b, long c, long d, long e);
}
