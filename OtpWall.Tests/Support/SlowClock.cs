using System.Diagnostics;

namespace OtpWall.Tests.Support;

/// <summary>Clocks (wall and monotonic) that show only <paramref name="rate"/> of the time that passes; timers keep real time.</summary>
internal sealed class SlowClock(double rate) : TimeProvider
{
    private readonly DateTimeOffset _start = System.GetUtcNow();
    private readonly long _started = Stopwatch.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => _start + Stopwatch.GetElapsedTime(_started) * rate;

    public override long GetTimestamp() => _started + (long)((Stopwatch.GetTimestamp() - _started) * rate);

    public override long TimestampFrequency => Stopwatch.Frequency;
}
