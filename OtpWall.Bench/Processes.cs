using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OtpWall.Bench;

/// <summary>A program the benchmark starts (the dashboard, the sandbox, the template app), and what it costs.</summary>
internal sealed partial class Child : IAsyncDisposable
{
    private readonly Process _process;

    private Child(Process process) => _process = process;

    public int Id => _process.Id;

    public static Child Start(string dll, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        return new Child(process);
    }

    /// <summary>The address Kestrel prints once it has bound (port 0 gives a free one).</summary>
    public async Task<Uri> ListeningAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = Listening().Match(line);
            if (!match.Success) continue;
            // Keep both streams drained, so a chatty program never blocks on a full pipe.
            _ = _process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            _ = _process.StandardError.ReadToEndAsync(CancellationToken.None);
            return new Uri(match.Groups[1].Value.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal));
        }
        throw new InvalidOperationException("The program exited before it listened: " + await _process.StandardError.ReadToEndAsync());
    }

    public void DrainOutput()
    {
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>CPU time used so far (user + system), from /proc.</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0);
    }

    /// <summary>Resident memory now, in MiB, from /proc.</summary>
    public double RssMiB()
    {
        var line = File.ReadLines($"/proc/{Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s\x22]+)")]
    private static partial Regex Listening();
}

/// <summary>A data folder of one measurement, deleted after it.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("otpwall-bench-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that has not quite exited yet: the system's temp cleaning takes it later.
        }
    }
}
