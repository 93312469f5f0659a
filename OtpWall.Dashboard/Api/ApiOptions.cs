using System.ComponentModel.DataAnnotations;

namespace OtpWall.Dashboard.Api;

/// <summary>The team's API (<c>/api/v1</c>): limits per token. Bound from <c>OtpWall:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "OtpWall:Api";

    /// <summary>Reads (balance, status, catalogue, complete, cancel) one token may make per second; more are answered 429.</summary>
    [Range(1, 10_000)]
    public int ReadsPerSecond { get; set; } = 20;

    /// <summary>Purchases one token may make per minute; more are answered 429.</summary>
    [Range(1, 1_000)]
    public int PurchasesPerMinute { get; set; } = 10;

    /// <summary>The longest a status request may wait for a change (<c>?wait=N</c>).</summary>
    public const int MaxWaitSeconds = 60;

    /// <summary>How long an <c>Idempotency-Key</c> answers the same purchase.</summary>
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
}
