using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace OtpWall.Sandbox;

/// <summary>
/// Requests served so far, per path and per key. Keys are listed by <see cref="KeyFingerprint"/>, never in clear:
/// a person may paste a real key into a sandbox, and this surface is open. It also measures what a provider would see
/// of a poller: the time between two status reads of the same activation, in 10 ms steps (benchmarks read it).
/// </summary>
public sealed class SandboxStats
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastStatusRead = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, long> _statusReadIntervals = [];
    private readonly Dictionary<string, long> _firstSmsAnswers = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>How <c>GET /sandbox/control/stats</c> names a key: the first 12 hex digits of its SHA-256.</summary>
    public static string KeyFingerprint(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];

    public void Count(string method, string path, string? key)
    {
        lock (_gate)
        {
            _total++;
            Increment(_byPath, $"{method} {path}");
            Increment(_byKey, key is null ? "(none)" : KeyFingerprint(key));
            if (method == "GET" && path.EndsWith("/status", StringComparison.Ordinal)) RecordInterval(path);
        }
    }

    /// <summary>
    /// A status read answered activation <paramref name="id"/> with an SMS: the first such moment is kept (Unix
    /// milliseconds): when a poller found the code, as the provider saw it (benchmarks measure from it).
    /// </summary>
    public void SmsAnswered(string id, DateTimeOffset at)
    {
        lock (_gate) _firstSmsAnswers.TryAdd(id, at.ToUnixTimeMilliseconds());
    }

    public SandboxStatsView Read()
    {
        lock (_gate)
            return new SandboxStatsView(_total, new SortedDictionary<string, long>(_byPath), new SortedDictionary<string, long>(_byKey),
                new SortedDictionary<int, long>(_statusReadIntervals), new SortedDictionary<string, long>(_firstSmsAnswers));
    }

    public void Reset()
    {
        lock (_gate)
        {
            _total = 0;
            _byPath.Clear();
            _byKey.Clear();
            _lastStatusRead.Clear();
            _statusReadIntervals.Clear();
            _firstSmsAnswers.Clear();
        }
    }

    private void RecordInterval(string path)
    {
        var now = Stopwatch.GetTimestamp();
        if (_lastStatusRead.TryGetValue(path, out var last))
        {
            var step = (int)Math.Ceiling(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds / 10) * 10;
            _statusReadIntervals[step] = _statusReadIntervals.GetValueOrDefault(step) + 1;
        }
        _lastStatusRead[path] = now;
    }

    private static void Increment(Dictionary<string, long> counts, string name) =>
        counts[name] = counts.GetValueOrDefault(name) + 1;
}

/// <summary>
/// The JSON of <c>GET /sandbox/control/stats</c>: <c>total</c>, <c>byPath</c> (<c>"GET /balance"</c>), <c>byKey</c>, and
/// <c>statusReadIntervals</c>: how many times two reads of one activation's status were this many milliseconds apart
/// (rounded up to 10 ms); <c>firstSmsAnswers</c>: per activation, when a status read first answered it with an SMS
/// (Unix milliseconds).
/// </summary>
public sealed record SandboxStatsView(
    long Total, IReadOnlyDictionary<string, long> ByPath, IReadOnlyDictionary<string, long> ByKey, IReadOnlyDictionary<int, long> StatusReadIntervals,
    IReadOnlyDictionary<string, long> FirstSmsAnswers);
